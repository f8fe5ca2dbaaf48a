package dev.faultline.httpd.fix;

import java.nio.file.Path;

/**
 * Where a path as the server names it ({@code /var/www/x/.htaccess}) can be read on this machine: the path itself, or
 * its copy under a snapshot of the server's tree ({@code analyze --root}).
 */
public interface ServerFiles {
    /** The local regular file that stands for {@code serverPath}, or null when there is none (or it is too big to edit). */
    Path locate(String serverPath);

    /** The local directory that stands for {@code serverDir}, or null. */
    Path locateDir(String serverDir);
}
