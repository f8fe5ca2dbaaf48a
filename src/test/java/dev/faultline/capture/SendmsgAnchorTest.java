package dev.faultline.capture;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.faultline.Cli;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A server that answers 500 with sendmsg(2), not write or writev: the 5xx is an incident both live (faultline run)
 * and offline (the real strace's log of the same program), with the same anchor.
 */
class SendmsgAnchorTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    // reads one request, answers 500 through sendmsg, exits; writes its port into the file argv[1] first
    private static final String SERVER = String.join("\n",
            "import socket, sys",
            "s = socket.socket(); s.bind(('127.0.0.1', 0)); s.listen(1)",
            "open(sys.argv[1] + '.tmp', 'w').write(str(s.getsockname()[1]))",
            "import os; os.rename(sys.argv[1] + '.tmp', sys.argv[1])",
            "c, _ = s.accept(); c.recv(4096)",
            "c.sendmsg([b'HTTP/1.1 500 Internal Server Error\\r\\nContent-Length: 0\\r\\n\\r\\n'])",
            "c.close()");

    @TempDir
    Path dir;

    private static void request(Path portFile) throws Exception {
        FaultlineProcess.waitUntil(30, () -> Files.exists(portFile), "the server listens");
        try (Socket s = new Socket("127.0.0.1", Integer.parseInt(Files.readString(portFile).trim()))) {
            s.getOutputStream().write("GET /app/ HTTP/1.1\r\nHost: x\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
            String answer = new String(s.getInputStream().readAllBytes(), StandardCharsets.US_ASCII);
            assertTrue(answer.startsWith("HTTP/1.1 500"), answer);
        }
    }

    @Test
    void aSendmsg500IsAnIncidentLiveAndOffline() throws Exception {
        Assumptions.assumeTrue(Files.isExecutable(Path.of("/usr/bin/python3")), "python3 is not installed");
        Assumptions.assumeTrue(FaultlineProcess.ptraceAllowed(), "ptrace is not allowed here");
        Path script = dir.resolve("server.py");
        Files.writeString(script, SERVER + "\n");

        // live
        Path livePort = dir.resolve("live.port");
        FaultlineProcess live = FaultlineProcess.start(dir, List.of(), "run", "--format", "json", "--", "/usr/bin/python3", "-u",
                script.toString(), livePort.toString());
        request(livePort);
        assertEquals(0, live.waitFor(30), live.stderr());
        JsonNode liveIncidents = JSON.readTree(live.stdout()).get("incidents");
        assertEquals(1, liveIncidents.size(), live.stdout());
        assertEquals(500, liveIncidents.get(0).get("status").asInt());
        assertTrue(liveIncidents.get(0).get("anchor").get("text").asText().contains("sendmsg("), liveIncidents.toString());

        // offline: the real strace of the same program
        Assumptions.assumeTrue(Files.isExecutable(Path.of("/usr/bin/strace")), "strace is not installed");
        Path trace = dir.resolve("t.txt");
        Path port = dir.resolve("strace.port");
        Process strace = new ProcessBuilder("strace", "-f", "-s", "256", "-o", trace.toString(), "/usr/bin/python3", "-u",
                script.toString(), port.toString()).redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        request(port);
        assertEquals(0, strace.waitFor());
        JsonNode offline = JSON.readTree(Cli.run("analyze", "--format", "json", trace.toString()).out).get("incidents");
        assertEquals(1, offline.size(), offline.toString());
        assertEquals(500, offline.get(0).get("status").asInt());
        assertEquals(liveIncidents.get(0).get("request").asText(), offline.get(0).get("request").asText());
    }
}
