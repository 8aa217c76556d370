package io.certstream.client.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.certstream.client.CertStreamMessages;
import io.certstream.client.CertificateMessage;
import io.certstream.client.StreamType;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The command line and the line format, without a server. */
class CliOptionsTest {

    @Test
    void defaultsToTheLocalHubsLiteStream() {
        CliOptions options = CliOptions.parse();
        assertEquals("ws://localhost:8080/", options.url());
        assertEquals(StreamType.LITE, options.stream());
        assertEquals("ws://localhost:8080/", options.clientOptions().endpoint().toString());
        assertFalse(options.json() || options.verbose() || options.help());
        assertNull(options.filter());
    }

    @Test
    void readsEveryOption() {
        CliOptions options = CliOptions.parse("--json", "--full", "--url", "wss://ct.example:4000", "--filter", "PAYPAL",
                "--verbose");
        assertTrue(options.json() && options.verbose());
        assertEquals(StreamType.FULL, options.stream());
        assertEquals("wss://ct.example:4000/full-stream?match=PAYPAL", options.clientOptions().endpoint().toString(),
                "--filter is also sent to the server");
        assertTrue(options.filter().matcher("login-paypal.example").find(), "case-insensitive partial match");

        CliOptions domains = CliOptions.parse("--domains-only", "--url=ws://127.0.0.1:9/custom");
        assertEquals(StreamType.DOMAINS_ONLY, domains.stream());
        assertEquals("ws://127.0.0.1:9/custom", domains.clientOptions().endpoint().toString(), "a path is used as given");
        assertTrue(CliOptions.parse("-h").help());

        CliOptions server = CliOptions.parse("--domain", "example.com", "--domain=bücher.example", "--type", "precert",
                "--dedup", "--since", "0190000000000000-00000000-7", "--url", "ws://127.0.0.1:9/");
        assertEquals("ws://127.0.0.1:9/?domain=example.com&domain=b%C3%BCcher.example&type=precert&dedup=true"
                + "&since=0190000000000000-00000000-7", server.clientOptions().endpoint().toString());
        assertThrows(IllegalArgumentException.class, () -> CliOptions.parse("--type", "cert"));
        assertTrue(CliOptions.USAGE.contains("--domains-only") && CliOptions.USAGE.contains("--filter REGEX"));
    }

    @Test
    void rejectsBadArgumentsWithAMessageNamingThem() {
        assertEquals("unknown option \"--fulll\"",
                assertThrows(IllegalArgumentException.class, () -> CliOptions.parse("--fulll")).getMessage());
        assertTrue(assertThrows(IllegalArgumentException.class, () -> CliOptions.parse("--filter", "(["))
                .getMessage().startsWith("--filter: not a valid regular expression"));
        assertEquals("--url needs a value", assertThrows(IllegalArgumentException.class, () -> CliOptions.parse("--url"))
                .getMessage());
        assertTrue(assertThrows(IllegalArgumentException.class, () -> CliOptions.parse("--url", "http://x/"))
                .getMessage().contains("ws://"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> CliOptions.parse("--full", "--domains-only"))
                .getMessage().contains("use one of them"));
    }

    @Test
    void formatsTimestampLogNameAndDomains() {
        CertificateMessage message = (CertificateMessage) CertStreamMessages.parse("""
                 {"message_type":"certificate_update","data":{"seen":1659301203.904,"cert_index":1,
                  "source":{"name":"DigiCert Yeti2022-2 Log","url":"https://yeti2022-2.ct.digicert.com/log"},
                  "leaf_cert":{"all_domains":["a.example","www.a.example"]}}}""").orElseThrow();
        assertEquals("[2022-07-31T21:00:03Z] DigiCert Yeti2022-2 Log - a.example, www.a.example",
                new LineFormatter(false).certificate(message.data()));
        assertEquals("\u001b[1;36m[2022-07-31T21:00:03Z]\u001b[0m \u001b[1;34mDigiCert Yeti2022-2 Log\u001b[0m - "
                + "\u001b[1;37ma.example\u001b[0m, \u001b[1;37mwww.a.example\u001b[0m", new LineFormatter(true).certificate(message.data()));
        assertEquals("[1970-01-01T00:00:10Z] x.example",
                new LineFormatter(false).domainsOnly(List.of("x.example"), Instant.ofEpochSecond(10)));
    }

    @Test
    void jsonLinesStayOneLinePerMessage() {
        assertEquals("{\"a\":1, \"b\":\"x\\ny\"}", MessagePrinter.oneLine("{\"a\":1,\n \"b\":\"x\\ny\"}\n"));
    }
}
