package dev.faultline.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.faultline.httpd.check.CheckResult;
import dev.faultline.httpd.check.Finding;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.io.ByteArrayInputStream;
import javax.xml.XMLConstants;
import javax.xml.parsers.DocumentBuilderFactory;
import javax.xml.transform.stream.StreamSource;
import javax.xml.validation.SchemaFactory;
import javax.xml.validation.Validator;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.NodeList;
import org.xml.sax.SAXException;

/** The JUnit XML of {@code check} against the Jenkins xUnit plugin's JUnit (Surefire) schema, and its counts. */
class CheckJunitTest {
    private static javax.xml.validation.Schema junitSchema;

    @BeforeAll
    static void loadSchema() throws SAXException {
        junitSchema = SchemaFactory.newInstance(XMLConstants.W3C_XML_SCHEMA_NS_URI)
                .newSchema(CheckJunitTest.class.getResource("/schemas/junit-10.xsd"));
    }

    /** Validates against the XSD, parses, and checks the suite's counts against its own testcases. */
    private static Element valid(CheckResult r) throws Exception {
        String xml = CheckJunit.render(r);
        Validator v = junitSchema.newValidator();
        v.validate(new StreamSource(new StringReader(xml)));
        DocumentBuilderFactory dbf = DocumentBuilderFactory.newInstance();
        dbf.setFeature("http://apache.org/xml/features/disallow-doctype-decl", true);
        Document doc = dbf.newDocumentBuilder().parse(new ByteArrayInputStream(xml.getBytes(StandardCharsets.UTF_8)));
        Element suite = doc.getDocumentElement();
        assertEquals("testsuite", suite.getTagName());
        NodeList cases = suite.getElementsByTagName("testcase");
        int failed = 0;
        int errored = 0;
        for (int i = 0; i < cases.getLength(); i++) {
            Element c = (Element) cases.item(i);
            failed += c.getElementsByTagName("failure").getLength() > 0 ? 1 : 0;
            errored += c.getElementsByTagName("error").getLength() > 0 ? 1 : 0;
        }
        assertEquals(cases.getLength(), Integer.parseInt(suite.getAttribute("tests")));
        assertEquals(failed, Integer.parseInt(suite.getAttribute("failures")));
        assertEquals(errored, Integer.parseInt(suite.getAttribute("errors")));
        return suite;
    }

    private static Element testcase(Element suite, String name) {
        NodeList cases = suite.getElementsByTagName("testcase");
        for (int i = 0; i < cases.getLength(); i++) {
            Element c = (Element) cases.item(i);
            if (c.getAttribute("name").equals(name)) {
                return c;
            }
        }
        return null;
    }

    private static Element child(Element e, String tag) {
        NodeList l = e.getElementsByTagName(tag);
        return l.getLength() == 0 ? null : (Element) l.item(0);
    }

    @Test
    void theXsdRejectsWhatItForbids() {
        // Without this, a schema that accepts anything would let every test below pass.
        String noCounts = "<testsuite name=\"x\"><testcase name=\"t\"/></testsuite>";
        assertThrows(SAXException.class,
                () -> junitSchema.newValidator().validate(new StreamSource(new StringReader(noCounts))));
    }

    @Test
    void cleanCheckIsOnePassingTestcasePerProbe() throws Exception {
        Element suite = valid(CheckResults.clean());
        assertEquals("faultline check conf/httpd.conf", suite.getAttribute("name"));
        assertEquals("5", suite.getAttribute("tests"));
        assertEquals("0", suite.getAttribute("failures"));
        assertEquals("0", suite.getAttribute("errors"));
        assertEquals("1.318", suite.getAttribute("time"));
        assertEquals("faultline.check.configtest", testcase(suite, "configtest").getAttribute("classname"));
        assertEquals("faultline.check.start", testcase(suite, "start").getAttribute("classname"));
        Element get = testcase(suite, "GET /index.html");
        assertEquals("faultline.check.request", get.getAttribute("classname"));
        assertEquals("0.009", get.getAttribute("time"));
        assertTrue(child(get, "system-out").getTextContent().contains("why: DirectoryIndex target"));
    }

    @Test
    void crashAnd500FailTheirProbes() throws Exception {
        Element suite = valid(CheckResults.withFindings(CheckResults.crash(), CheckResults.htaccess500(),
                CheckResults.withoutFile()));
        assertEquals("7", suite.getAttribute("tests"));
        assertEquals("3", suite.getAttribute("failures"), "GET /z/, GET /app/ and start");
        assertEquals("0", suite.getAttribute("errors"));

        Element crash = child(testcase(suite, "GET /z/"), "failure");
        assertEquals("crash/config", crash.getAttribute("type"));
        assertEquals("SIGSEGV in fixups (mod_faultdemo.c)", crash.getAttribute("message"));
        String body = crash.getTextContent();
        assertTrue(body.startsWith("conf/conf.d/40-z.conf:9: crash: SIGSEGV in fixups"), body);
        assertTrue(body.contains("directive: FaultdemoHandler"), body);
        assertTrue(body.contains("module: mod_faultdemo.c"), body);
        assertTrue(body.contains("trace:5558: --- SIGSEGV"), body);

        Element http = child(testcase(suite, "GET /app/"), "failure");
        assertEquals("http_error/config", http.getAttribute("type"));
        assertTrue(http.getTextContent().contains("htdocs/app/.htaccess:2: RewriteEngin On"));
        assertTrue(http.getTextContent().contains(CheckResults.HTACCESS_FIX), "the fix diff, whole");

        Element noFile = child(testcase(suite, "start"), "failure");
        assertTrue(noFile.getTextContent().startsWith("(no file to blame): error_log: AH01909"));
        assertNull(child(testcase(suite, "GET /"), "failure"));
        NodeList outs = suite.getElementsByTagName("system-out");
        Element notes = (Element) outs.item(outs.getLength() - 1);
        assertEquals(suite, notes.getParentNode(), "the notes are the suite's own system-out");
        assertTrue(notes.getTextContent().startsWith("note: not root"));
    }

    @Test
    void findingOfAProbeMissingFromTheListStillCounts() throws Exception {
        Finding f = CheckResults.crash();
        CheckResult r = new CheckResult("conf/httpd.conf", ".", CheckResults.passingProbes(), java.util.List.of(f),
                java.util.List.of(), 10, null);
        Element suite = valid(r);
        assertEquals("6", suite.getAttribute("tests"));
        assertEquals("1", suite.getAttribute("failures"));
        assertTrue(child(testcase(suite, "GET /z/"), "failure") != null);
    }

    @Test
    void checkThatCouldNotRunIsAnError() throws Exception {
        Element suite = valid(CheckResults.couldNotRun());
        assertEquals("1", suite.getAttribute("tests"));
        assertEquals("1", suite.getAttribute("errors"));
        assertEquals("0", suite.getAttribute("failures"));
        Element error = child(testcase(suite, "check"), "error");
        assertEquals("could-not-run", error.getAttribute("type"));
        assertEquals("apache2 not found: install apache2 or pass --apache2", error.getAttribute("message"));
        NodeList outs = suite.getElementsByTagName("system-out");
        assertTrue(outs.item(outs.getLength() - 1).getTextContent().contains("note: no apache2 in PATH"));
    }

    @Test
    void hostileStringsAreEscapedNotInterpreted() throws Exception {
        CheckResult r = CheckResults.hostile();
        String xml = CheckJunit.render(r);
        assertFalse(xml.contains("<script>"));
        assertFalse(xml.contains("]]>"), "no CDATA end in the document, whatever the data says");
        assertFalse(xml.chars().anyMatch(c -> c < 0x20 && c != '\n' && c != '\t'), "no raw control characters");
        Element suite = valid(r);
        assertEquals("3", suite.getAttribute("tests"));
        assertEquals("2", suite.getAttribute("failures"));
        Finding f = r.findings().get(0);
        Element failure = child(testcase(suite, f.probe()
                .replace("\u0000", "\\u0000").replace("\u0001", "\\u0001").replace("\u0007", "\\u0007")
                .replace("\u001b", "\\u001b").replace("\uFFFE", "\\ufffe").replace("\uD800", "\\ud800")), "failure");
        // what XML can carry arrives unchanged: markup, quotes, ]]>, non-ASCII, line breaks in an attribute
        String message = failure.getAttribute("message");
        assertTrue(message.contains("<script>alert(\"x\")</script> ]]> & 'quoted'"), message);
        assertTrue(message.contains("café ÿ 日本 \uD83D\uDE00 line1\nline2\r\n\ttab \u202Eevil"), message);
        // what it cannot is shown as an escape
        assertTrue(message.contains("\\u0000\\u0001\\u0007\\u001b[31mred"), message);
        assertTrue(message.contains("\\ufffe\\ud800"), message);
        assertTrue(failure.getTextContent().contains("+fixed ]]>"));
    }
}
