package dev.faultline.trace;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;

/**
 * A file's stream whose available() never fails. On a pipe, a FIFO, {@code <(...)} or /dev/stdin, the channel's
 * available() asks for the position and gets ESPIPE ("Illegal seek"); BufferedInputStream asks it after every read.
 */
public final class PipeSafeInputStream extends FilterInputStream {
    public PipeSafeInputStream(InputStream in) {
        super(in);
    }

    @Override
    public int available() {
        try {
            return super.available();
        } catch (IOException notSeekable) {
            return 0;
        }
    }
}
