package dev.faultline.trace;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

class RedactorTest {

    private static List<String> lines(String name) throws IOException {
        try (InputStream in = RedactorTest.class.getResourceAsStream("/redact/" + name)) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8).lines().toList();
        }
    }

    /** Golden: recorded strace lines and plain log lines, against the same lines redacted by hand. */
    @Test
    void goldenLines() throws IOException {
        List<String> input = lines("secrets.txt");
        List<String> expected = lines("secrets.expected.txt");
        assertEquals(expected.size(), input.size());
        for (int i = 0; i < input.size(); i++) {
            assertEquals(expected.get(i), Redactor.redact(input.get(i)), "line " + (i + 1));
        }
    }

    @Test
    void linesWithoutSecretsComeBackAsTheSameString() throws IOException {
        List<String> input = lines("secrets.txt");
        List<String> expected = lines("secrets.expected.txt");
        int unchanged = 0;
        for (int i = 0; i < input.size(); i++) {
            if (input.get(i).equals(expected.get(i))) {
                assertSame(input.get(i), Redactor.redact(input.get(i)), "line " + (i + 1));
                unchanged++;
            }
        }
        assertEquals(6, unchanged);
    }

    @Test
    void fastPathSkipsTextWithoutTriggerWords() {
        String line = "read(3, \"<VirtualHost *:80>\\n    DocumentRoot /var/www/html\\n\", 4096) = 52";
        assertFalse(Redactor.mayHoldSecret(line));
        assertSame(line, Redactor.redact(line));
        assertNull(Redactor.redact(null));
        assertTrue(Redactor.mayHoldSecret("x PassWord y"));
        assertTrue(Redactor.mayHoldSecret("ftp://h"));
    }

    @Test
    void wordpressDefine() {
        assertEquals("define('DB_PASSWORD', '***');", Redactor.redact("define('DB_PASSWORD', 'x');"));
        assertEquals("define( \"DB_PASSWORD\", \"***\" );",
                Redactor.redact("define( \"DB_PASSWORD\", \"p; w\" );"));
        // the buffer was cut in the middle of the value
        assertEquals("read(5, \"define('DB_PASSWORD', '***\"..., 30) = 30",
                Redactor.redact("read(5, \"define('DB_PASSWORD', 'hunt\"..., 30) = 30"));
    }

    /** Fuzz finding (fuzzErrorLogLines/regression-20261206-crash-8eec2a7e): a header name inside another's value. */
    @Test
    void aHeaderInsideAnotherHeadersValueIsPartOfThatValue() {
        assertEquals("Authorization: Basic ***", Redactor.redact("Authorization: Basic Cookie: abc"));
        assertEquals("Cookie: ***\nHost: x", Redactor.redact("Cookie: a=1 Authorization: Bearer z\nHost: x"));
    }

    @Test
    void httpAuthorizationKeepsTheScheme() {
        assertEquals("Authorization: Basic ***", Redactor.redact("Authorization: Basic dXNlcjpwYXNz"));
        assertEquals("authorization:Bearer ***\r\nHost: x",
                Redactor.redact("authorization:Bearer abc.def\r\nHost: x"));
        assertEquals("Proxy-Authorization: ***", Redactor.redact("Proxy-Authorization: c2VjcmV0"));
        assertEquals("\"Authorization: Digest ***\\r\\n\\r\\n\"",
                Redactor.redact("\"Authorization: Digest username=\\\"u\\\", response=\\\"6629fae4\\\"\\r\\n\\r\\n\""));
    }

    @Test
    void mysqlUrls() {
        assertEquals("mysql://wp:***@127.0.0.1:3306/wordpress",
                Redactor.redact("mysql://wp:Pa55w0rd@127.0.0.1:3306/wordpress"));
        assertEquals("jdbc:mysql://db/x?user=a&password=***",
                Redactor.redact("jdbc:mysql://db/x?user=a&password=b"));
        String noCredentials = "http://backend:8080/api@v2";
        assertSame(noCredentials, Redactor.redact(noCredentials));
    }

    @Test
    void keyValueForms() {
        assertEquals("password=*** user=x", Redactor.redact("password=hunter2 user=x"));
        assertEquals("DB_PASSWD: ***", Redactor.redact("DB_PASSWD: hunter2"));
        assertEquals("client_secret = ***;", Redactor.redact("client_secret = abc;"));
        assertEquals("'password' => '***',", Redactor.redact("'password' => 'hunter2',"));
        assertEquals("apikey=***&x=1", Redactor.redact("apikey=k&x=1"));
        assertEquals("API-KEY: ***", Redactor.redact("API-KEY: k"));
        // mod_dbd's pass=, but not words that merely end in "pass"
        assertEquals("user=a pass=***", Redactor.redact("user=a pass=b"));
        assertEquals("bypass=1 compass: north", Redactor.redact("bypass=1 compass: north"));
        // an empty value has nothing to hide
        assertEquals("password=&user=x", Redactor.redact("password=&user=x"));
    }

    @Test
    void valuesInStraceEscapedTextEndAtEscapedLineBreaksAndQuotes() {
        assertEquals("\"token=***\\ntoken=***\\r\\nsecret=***\\tx\"",
                Redactor.redact("\"token=a\\ntoken=b\\r\\nsecret=c\\tx\""));
        // an escaped backslash belongs to the value
        assertEquals("\"password=***\\n\"", Redactor.redact("\"password=a\\\\b\\n\""));
        // the quote after the separator closes the strace buffer: no value to mask
        String cut = "write(1, \"password=\", 9) = 9";
        assertSame(cut, Redactor.redact(cut));
    }

    @Test
    void apacheDirectives() {
        assertEquals("DBPassword ***", Redactor.redact("DBPassword hunter2"));
        assertEquals("  DBPassword \"***\"\nX", Redactor.redact("  DBPassword \"two words\"\nX"));
        assertEquals("\"\\tSessionCryptoPassword ***\\n\"",
                Redactor.redact("\"\\tSessionCryptoPassword s3cr3t\\n\""));
        // only words ending in a trigger, and only at the start of a line
        assertEquals("SSLPassPhraseDialog builtin", Redactor.redact("SSLPassPhraseDialog builtin"));
        assertEquals("Lost your password here", Redactor.redact("Lost your password here"));
        assertEquals("password = ***", Redactor.redact("password = x"));
    }

    /** Issue #10: SetEnv values whose names say PASS/SECRET/TOKEN/KEY, LDAP bind passwords, and PEM private keys. */
    @Test
    void setEnvSecretsLdapPasswordsAndPrivateKeys() {
        assertEquals("SetEnv DB_PASSWORD ***", Redactor.redact("SetEnv DB_PASSWORD hunter2"));
        assertEquals("SetEnv API_KEY ***\nSetEnv APP_ENV production", Redactor.redact("SetEnv API_KEY abcd\nSetEnv APP_ENV production"));
        assertEquals("\"    SetEnv STRIPE_SECRET_TOKEN ***\\n\"", Redactor.redact("\"    SetEnv STRIPE_SECRET_TOKEN sk_live_x\\n\""));
        assertEquals("SetEnv KEYBOARD_LAYOUT ***", Redactor.redact("SetEnv KEYBOARD_LAYOUT us"),
                "a name that merely contains KEY is masked too: over-masking is the safe side");
        assertEquals("AuthLDAPBindPassword ***", Redactor.redact("AuthLDAPBindPassword ldap-s3cret"));
        String pem = "x\n-----BEGIN PRIVATE KEY-----\nMIIEvQIBADANBg\nkqhkiG9w0BAQEF\n-----END PRIVATE KEY-----\ny";
        assertEquals("x\n-----BEGIN PRIVATE KEY-----***-----END PRIVATE KEY-----\ny", Redactor.redact(pem));
        assertEquals("-----BEGIN RSA PRIVATE KEY-----***", Redactor.redact("-----BEGIN RSA PRIVATE KEY-----\\nMIIEow"),
                "a key cut by strace's -s is masked to the end");
        assertEquals("-----BEGIN CERTIFICATE-----\nMIIB", Redactor.redact("-----BEGIN CERTIFICATE-----\nMIIB"), "certificates are public");
    }

    /** A long word used to make the key patterns backtrack quadratically; linear now, so well under the limit. */
    @Test
    void longWordsDoNotBacktrack() {
        String line = "\"" + "A".repeat(200_000) + "\\n" + "b".repeat(200_000) + " token?\"";
        assertTimeoutPreemptively(Duration.ofSeconds(5), () -> assertEquals(line, Redactor.redact(line)));
    }

    @Test
    void mysqlUsingPasswordAnswerIsNoSecret() {
        String line = "Access denied for user 'wp'@'localhost' (using password: NO)";
        assertSame(line, Redactor.redact(line));
    }
}
