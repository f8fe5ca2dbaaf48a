package dev.faultline.httpd.check;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;

/**
 * One plain HTTP/1.0 GET on a loopback port, read to its status line. Plain sockets, not an HTTP client: the
 * request line must be exactly {@code GET PATH HTTP/1.0} (the trace's request is matched to the probe by it), and a
 * connection closed without a status (a crashed child) must be an answer, not an exception.
 */
public final class HttpProbe {
    /** @param status the HTTP status, or -1; @param result one line saying what came back */
    public record Answer(int status, String result, long millis) {
    }

    private HttpProbe() {
    }

    public static Answer get(int port, String host, String path, long timeoutMillis) {
        long start = System.nanoTime();
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), (int) timeoutMillis);
            s.setSoTimeout((int) timeoutMillis);
            OutputStream out = s.getOutputStream();
            out.write(("GET " + path + " HTTP/1.0\r\nHost: " + host + "\r\nUser-Agent: faultline-check\r\n"
                    + "Connection: close\r\n\r\n").getBytes(StandardCharsets.ISO_8859_1));
            out.flush();
            String statusLine = readLine(s.getInputStream());
            long ms = (System.nanoTime() - start) / 1_000_000;
            if (statusLine == null || statusLine.isEmpty()) {
                return new Answer(-1, "no response: the connection closed without a status (the child crashed?)", ms);
            }
            String[] w = statusLine.split(" ", 3);
            if (w.length < 2 || !w[0].startsWith("HTTP/") || !w[1].matches("\\d{3}")) {
                return new Answer(-1, "not an HTTP answer: " + statusLine, ms);
            }
            return new Answer(Integer.parseInt(w[1]), w[1] + (w.length > 2 ? " " + w[2] : ""), ms);
        } catch (SocketTimeoutException e) {
            return new Answer(-1, "no answer within " + timeoutMillis / 1000 + " s", (System.nanoTime() - start) / 1_000_000);
        } catch (IOException e) {
            return new Answer(-1, "no response: " + e.getMessage(), (System.nanoTime() - start) / 1_000_000);
        }
    }

    /** True when something accepts connections on the port. */
    public static boolean listening(int port) {
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 200);
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    private static String readLine(InputStream in) throws IOException {
        StringBuilder line = new StringBuilder();
        int c;
        while ((c = in.read()) >= 0 && c != '\n' && line.length() < 1024) {
            if (c != '\r') {
                line.append((char) c);
            }
        }
        return c < 0 && line.length() == 0 ? null : line.toString();
    }
}
