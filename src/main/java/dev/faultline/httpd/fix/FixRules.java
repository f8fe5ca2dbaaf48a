package dev.faultline.httpd.fix;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFileAttributes;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * Apache knowledge of how each kind of culprit line is fixed. Every rule reads the line as it is now and offers a
 * hint only when the line still says what the evidence quoted; anything else (a file that changed, a word that is not
 * there, a sibling that is not unique) gives none.
 */
public final class FixRules {
    /** How far a sibling's name may be from the missing one to count as what was meant ({@code .phpp} for {@code .php}). */
    static final int SIBLING_DISTANCE = 2;
    /** How many directory levels up a missing path's nearest existing ancestor is looked for. */
    static final int ANCESTOR_LEVELS = 3;

    private FixRules() {
    }

    /**
     * A directive httpd does not know ({@code RewriteEngin}) that is a near miss of one a loaded module registers:
     * the word becomes that directive; the indentation and the arguments stay as written.
     */
    public static Optional<FixHint> misspelledDirective(String path, int line, String written, String meant, ServerFiles files) {
        if (written == null || meant == null || written.equals(meant)) {
            return Optional.empty();
        }
        Located at = lineOf(path, line, files);
        if (at == null) {
            return Optional.empty();
        }
        int start = indentation(at.text);
        if (!firstWord(at.text).equals(written)) {
            return Optional.empty();
        }
        String fixed = at.text.substring(0, start) + meant + at.text.substring(start + written.length());
        return Optional.of(new FixHint(FixHint.Kind.RENAME_DIRECTIVE, path, at.local, line, at.text, fixed, null,
                "'" + written + "' is no directive httpd knows; '" + meant + "' is the one a loaded module registers (the arguments stay)",
                null));
    }

    /**
     * A directive whose module crashes on it: the line is commented out, which is what stops the crash (an
     * {@code <IfModule>} guard alone would not: the module is loaded, so the guarded line still runs).
     */
    public static Optional<FixHint> crashingDirective(String path, int line, String directive, String module, ServerFiles files) {
        if (directive == null || module == null) {
            return Optional.empty();
        }
        Located at = lineOf(path, line, files);
        if (at == null || !firstWord(at.text).equalsIgnoreCase(directive) || directive.startsWith("<")) {
            return Optional.empty(); // a section's opening line cannot be commented out alone: its end would dangle
        }
        return Optional.of(new FixHint(FixHint.Kind.COMMENT_OUT, path, at.local, line, at.text, commentedOut(path, at.text), null,
                "comment out " + firstWord(at.text) + ": " + module + " crashes the server on it; keep it disabled until the module "
                        + "is fixed (to bring it back for a build of httpd without the module, wrap it in <IfModule " + module + ">)",
                module));
    }

    /**
     * A line that names a file that does not exist. When the file meant is there under a near name (a sibling whose
     * name is a near miss, the same file in a sibling directory of a missing one, or the same name next to the
     * referrer when the line names another machine's absolute path), the name is corrected in place. Otherwise a
     * configuration line (.htaccess, .conf, php.ini) is commented out; application code is never cut.
     */
    public static Optional<FixHint> missingInclude(String path, int line, String missing, ServerFiles files) {
        if (missing == null || !missing.startsWith("/")) {
            return Optional.empty();
        }
        Located at = lineOf(path, line, files);
        if (at == null) {
            return Optional.empty();
        }
        String named = namedSuffix(at.text, missing);
        if (named == null) {
            return Optional.empty(); // the line does not name the missing file (any more)
        }
        String meant = existingSibling(missing, path, named.equals(missing), files);
        if (meant != null) {
            String prefix = missing.substring(0, missing.length() - named.length());
            String replacement = meant.startsWith(prefix) ? meant.substring(prefix.length()) : named.equals(missing) ? meant : null;
            if (replacement != null) {
                int at0 = boundedIndexOf(at.text, named);
                String fixed = at.text.substring(0, at0) + replacement + at.text.substring(at0 + named.length());
                return Optional.of(new FixHint(FixHint.Kind.REPLACE_PATH, path, at.local, line, at.text, fixed, null,
                        missing + " does not exist; " + meant + " does, and is the file this line meant", null));
            }
        }
        if (!isConfigFile(path)) {
            return Optional.empty(); // a require in application code: removing it is no fix, and no sibling was found
        }
        return Optional.of(new FixHint(FixHint.Kind.COMMENT_OUT, path, at.local, line, at.text, commentedOut(path, at.text), null,
                "comment out the line: it names " + missing + ", which does not exist, and no file near it is the one meant", null));
    }

    /**
     * A file the server was denied (EACCES): the server's group gets read access ({@code g+r}), not everyone
     * ({@code o+r} would expose, say, a settings file with a password to every local user). When the file is the
     * server user's own, {@code u+r} is enough.
     */
    public static Optional<FixHint> permission(String path, ServerAccount account, ServerFiles files) {
        if (account == null || account.user() == null && account.group() == null) {
            return Optional.empty();
        }
        Path local = files.locate(path);
        if (local == null) {
            return Optional.empty();
        }
        String owner = null;
        String group = null;
        try {
            PosixFileAttributes attrs = Files.readAttributes(local, PosixFileAttributes.class);
            owner = attrs.owner().getName();
            group = attrs.group().getName();
        } catch (IOException | UnsupportedOperationException | SecurityException e) {
            // unknown ownership: the group change is stated in full
        }
        FixHint.Access access;
        String why;
        if (account.user() != null && account.user().equals(owner)) {
            access = new FixHint.Access(null, null, "u+r");
            why = "the file is " + owner + "'s own: its owner needs read permission";
        } else if (account.group() == null) {
            return Optional.empty();
        } else if (account.group().equals(group)) {
            access = new FixHint.Access(null, null, "g+r");
            why = "the file's group is the server's (" + group + "): the group needs read permission";
        } else {
            access = new FixHint.Access(null, account.group(), "g+r");
            why = "give the server's group (" + account.group() + ") read permission; if a directory above it denies search "
                    + "(x) to " + (account.user() == null ? "the server" : account.user()) + ", that needs it too";
        }
        return Optional.of(new FixHint(FixHint.Kind.PERMISSION, path, local, 0, null, null, access,
                "the server (" + (account.user() == null ? "group " + account.group() : account.user()) + ") was denied reading "
                        + path + ": " + why, null));
    }

    // -- the line --------------------------------------------------------------------------------------------

    private record Located(Path local, String text) {
    }

    private static Located lineOf(String path, int line, ServerFiles files) {
        if (path == null || line < 1) {
            return null;
        }
        Path local = files.locate(path);
        if (local == null) {
            return null;
        }
        String content;
        try {
            content = Files.readString(local, StandardCharsets.UTF_8);
        } catch (IOException | SecurityException | java.io.UncheckedIOException e) {
            return null;
        }
        List<String> lines = FixHint.splitKeepingTerminators(content);
        if (line > lines.size()) {
            return null;
        }
        String whole = lines.get(line - 1);
        return new Located(local, whole.substring(0, whole.length() - FixHint.terminatorOf(whole).length()));
    }

    private static int indentation(String text) {
        int i = 0;
        while (i < text.length() && (text.charAt(i) == ' ' || text.charAt(i) == '\t')) {
            i++;
        }
        return i;
    }

    private static String firstWord(String text) {
        int start = indentation(text);
        int end = start;
        while (end < text.length() && !Character.isWhitespace(text.charAt(end))) {
            end++;
        }
        return text.substring(start, end);
    }

    /** php.ini comments start with ';', httpd's configuration and .htaccess lines with '#'. */
    static String commentedOut(String path, String text) {
        int start = indentation(text);
        String mark = path.toLowerCase(Locale.ROOT).endsWith(".ini") ? ";" : "#";
        return text.substring(0, start) + mark + " " + text.substring(start);
    }

    private static boolean isConfigFile(String path) {
        String base = path.substring(path.lastIndexOf('/') + 1).toLowerCase(Locale.ROOT);
        return base.equals(".htaccess") || base.endsWith(".conf") || base.endsWith(".ini");
    }

    // -- the missing path in the line ------------------------------------------------------------------------------

    /**
     * The longest tail of {@code missing} (whole components: {@code class-wp-locale.phpp}, {@code inc/settings.php},
     * or the whole absolute path) that the line names once, standing alone; null when it names none.
     */
    static String namedSuffix(String text, String missing) {
        for (int slash = 0; slash >= 0 && slash < missing.length(); slash = missing.indexOf('/', slash + 1)) {
            String tail = slash == 0 ? missing : missing.substring(slash + 1);
            if (!tail.isEmpty() && boundedIndexOf(text, tail) >= 0) {
                return tail;
            }
        }
        return null;
    }

    /** The index of the only occurrence of {@code word} in {@code text} not inside a longer name; -1 if none or several. */
    static int boundedIndexOf(String text, String word) {
        int found = -1;
        for (int i = text.indexOf(word); i >= 0; i = text.indexOf(word, i + 1)) {
            boolean before = i == 0 || !isNameChar(text.charAt(i - 1)) || text.charAt(i - 1) == '/' && !word.startsWith("/");
            int end = i + word.length();
            boolean after = end == text.length() || !isNameChar(text.charAt(end)) && text.charAt(end) != '/';
            if (before && after) {
                if (found >= 0) {
                    return -1;
                }
                found = i;
            }
        }
        return found;
    }

    private static boolean isNameChar(char c) {
        return Character.isLetterOrDigit(c) || c == '.' || c == '_' || c == '-' || c == '/';
    }

    // -- the file that was meant -------------------------------------------------------------------------------------

    /**
     * The existing file {@code missing} was meant to be, as a server path, or null unless exactly one stands out:
     * <ol>
     * <li>in the missing file's directory, the one name within {@link #SIBLING_DISTANCE} edits of its name;</li>
     * <li>when a directory of the path is missing: the one sibling directory of it that holds the rest of the path;</li>
     * <li>when the line names the whole absolute path: the same name next to the referrer (a site moved from
     * another machine, whose setting still names the old tree).</li>
     * </ol>
     */
    static String existingSibling(String missing, String referrer, boolean absoluteInLine, ServerFiles files) {
        String dir = parent(missing);
        String base = missing.substring(dir.length() + 1);
        if (files.locateDir(dir) != null) {
            String near = uniqueNearName(dir, base, files);
            if (near != null) {
                return near;
            }
        } else {
            String ancestor = dir;
            for (int level = 0; level < ANCESTOR_LEVELS && ancestor.lastIndexOf('/') > 0; level++) {
                String up = parent(ancestor);
                if (files.locateDir(up) != null) {
                    String rest = missing.substring(ancestor.length() + 1); // after the first missing directory
                    String found = null;
                    for (String sub : entries(up, files, true)) {
                        String candidate = up + "/" + sub + "/" + rest;
                        if (files.locate(candidate) != null) {
                            if (found != null) {
                                return null;
                            }
                            found = candidate;
                        }
                    }
                    if (found != null) {
                        return found;
                    }
                    break;
                }
                ancestor = up;
            }
        }
        if (absoluteInLine && referrer != null) {
            String beside = parent(referrer) + "/" + base;
            if (!beside.equals(missing) && files.locate(beside) != null) {
                return beside;
            }
        }
        return null;
    }

    private static String uniqueNearName(String dir, String base, ServerFiles files) {
        String best = null;
        int bestD = SIBLING_DISTANCE + 1;
        boolean tie = false;
        for (String name : entries(dir, files, false)) {
            int d = distance(name, base);
            if (d == 0 || d > SIBLING_DISTANCE) {
                continue;
            }
            if (d < bestD) {
                best = name;
                bestD = d;
                tie = false;
            } else if (d == bestD) {
                tie = true;
            }
        }
        return best == null || tie ? null : dir + "/" + best;
    }

    private static List<String> entries(String serverDir, ServerFiles files, boolean directories) {
        List<String> out = new ArrayList<>();
        Path local = files.locateDir(serverDir);
        if (local == null) {
            return out;
        }
        try (DirectoryStream<Path> ds = Files.newDirectoryStream(local)) {
            for (Path p : ds) {
                if (out.size() >= dev.faultline.Limits.SOURCE_DIR_FILES) {
                    break;
                }
                if (directories ? Files.isDirectory(p) : Files.isRegularFile(p)) {
                    out.add(p.getFileName().toString());
                }
            }
        } catch (IOException | SecurityException e) {
            // a directory that cannot be listed offers no sibling
        }
        out.sort(null);
        return out;
    }

    private static String parent(String path) {
        int slash = path.lastIndexOf('/');
        return slash <= 0 ? "/" : path.substring(0, slash);
    }

    /** Levenshtein distance, capped: anything beyond {@link #SIBLING_DISTANCE} is reported as one more. */
    static int distance(String a, String b) {
        return Math.min(dev.faultline.httpd.modules.DirectiveCatalog.distance(a, b), SIBLING_DISTANCE + 1);
    }
}
