package io.certstream.hub.decode;

import io.certstream.hub.wire.WireFormat;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Set;

import org.bouncycastle.asn1.DERBMPString;
import org.bouncycastle.asn1.x500.X500NameBuilder;
import org.bouncycastle.asn1.x500.style.BCStyle;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.certstream.model.Certificate;
import io.certstream.model.CertificateUpdate;
import io.certstream.model.LogSource;

/** Parses what WireFormat writes and checks every key and value format of WIRE.md. */
class WireFormatTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Set<String> NAME_KEYS = Set.of("C", "ST", "L", "O", "OU", "CN", "email_address", "aggregated");
    private static final String COLON_HEX = "([0-9A-F]{2}:)*[0-9A-F]{2}";

    private final CertificateUpdate update = precertUpdate(LogEntryDecoderTest.SOURCE);

    private static CertificateUpdate precertUpdate(LogSource source) {
        byte[] root = LogEntryDecoderTest.root();
        RawEntry raw = new RawEntry(712420366L,
                CtEntryBytes.precertLeafInput(LogEntryDecoderTest.LOG_TIMESTAMP, new byte[32], new byte[] {0x30, 0x00}),
                CtEntryBytes.precertExtraData(LogEntryDecoderTest.richLeaf().poison().der(), List.of(root)));
        return new LogEntryDecoder().decode(raw, source,
                "https://ct.example/alpha/ct/v1/get-entries?start=712420366&end=712420366", 1659301203904L);
    }

    @Test
    void fullMessageHasEveryKeyOfTheWireFormat() throws Exception {
        JsonNode m = JSON.readTree(WireFormat.full(update).getBytes());
        assertEquals("certificate_update", m.get("message_type").asText());
        JsonNode data = m.get("data");
        assertEquals("PrecertLogEntry", data.get("update_type").asText());
        assertTrue(data.get("cert_index").isIntegralNumber());
        assertEquals(712420366L, data.get("cert_index").asLong());
        assertEquals("https://ct.example/alpha/ct/v1/get-entries?start=712420366&end=712420366", data.get("cert_link").asText());
        assertTrue(data.get("seen").isFloatingPointNumber());
        assertEquals(1659301203.904, data.get("seen").asDouble(), 0.0);

        JsonNode source = data.get("source");
        assertEquals("Test 'Alpha' log", source.get("name").asText());
        assertEquals("https://ct.example/alpha", source.get("url").asText());
        assertEquals(1659301203.904, source.get("timestamp").asDouble(), 0.0, "the log's timestamp of the entry");
        assertEquals("rfc6962", source.get("type").asText());
        assertEquals("Example Operator", source.get("operator").asText());

        JsonNode leaf = data.get("leaf_cert");
        assertCertificate(leaf, true);
        assertEquals(List.of("www.example.com", "*.example.com", "xn--bcher-kva.example", "example.com"), strings(leaf.get("all_domains")));
        assertTrue(leaf.get("extensions").get("ctlPoisonByte").asBoolean());
        assertTrue(leaf.get("extensions").get("ctlPoisonByte").isBoolean());
        assertEquals("Digital Signature, Key Encipherment", leaf.get("extensions").get("keyUsage").asText());
        assertEquals("0498BDF812FAF923FEBD5EF7B374899FC61A", leaf.get("serial_number").asText());
        assertEquals(1659252405L, leaf.get("not_before").asLong());
        assertEquals("sha256, rsa", leaf.get("signature_algorithm").asText());
        assertTrue(leaf.get("subject").get("ST").isTextual());
        assertTrue(leaf.get("issuer").get("ST").isNull(), "absent attributes are JSON null");
        assertEquals("/C=US/CN=Test Root/O=Test CA Org", leaf.get("issuer").get("aggregated").asText());
        assertTrue(Arrays.equals(update.leaf().der(), Base64.getDecoder().decode(leaf.get("as_der").asText())));

        JsonNode chain = data.get("chain");
        assertTrue(chain.isArray());
        assertEquals(1, chain.size());
        assertCertificate(chain.get(0), true);
        assertTrue(chain.get(0).get("is_ca").asBoolean());
        assertEquals(0, chain.get(0).get("all_domains").size());
    }

    @Test
    void chainCertificatesSerializedOnceReadTheSameAsALeafAndKeepTheMessageValid() throws Exception {
        Certificate intermediate = update.chain().get(0);
        // Two chain entries, and the same update twice: the second message takes both from the cache.
        CertificateUpdate twoDeep = new CertificateUpdate(update.updateType(), 7, "l", 0, 0, update.source(), update.leaf(),
                List.of(intermediate, intermediate));
        byte[] first = WireFormat.full(twoDeep).getBytes();
        byte[] second = WireFormat.full(twoDeep).getBytes();
        assertTrue(Arrays.equals(first, second), "a cached chain gives the same bytes");

        JsonNode data = JSON.readTree(first).get("data");
        JsonNode chain = data.get("chain");
        assertEquals(2, chain.size());
        // The same certificate as a leaf is serialized by the generator itself: the cached bytes must match it.
        CertificateUpdate asLeaf = new CertificateUpdate(update.updateType(), 8, "l", 0, 0, update.source(), intermediate, List.of());
        JsonNode leafForm = JSON.readTree(WireFormat.full(asLeaf).getBytes()).get("data").get("leaf_cert");
        assertEquals(leafForm, chain.get(0));
        assertEquals(leafForm, chain.get(1));
        assertEquals(List.of("update_type", "cert_index", "cert_link", "seen", "source", "leaf_cert", "chain"),
                iterableToList(data.fieldNames()), "chain stays the last key of data, after leaf_cert");
        assertEquals(0, JSON.readTree(WireFormat.full(asLeaf).getBytes()).get("data").get("chain").size());
    }

    private static List<String> iterableToList(Iterator<String> names) {
        List<String> out = new ArrayList<>();
        names.forEachRemaining(out::add);
        return out;
    }

    @Test
    void liteMessageLacksDerAndChain() throws Exception {
        JsonNode data = JSON.readTree(WireFormat.lite(update).getBytes()).get("data");
        assertFalse(data.has("chain"));
        assertFalse(data.get("leaf_cert").has("as_der"));
        assertCertificate(data.get("leaf_cert"), false);
        assertEquals(Set.of("update_type", "cert_index", "cert_link", "seen", "source", "leaf_cert"), fields(data));
    }

    @Test
    void operatorIsLeftOutWhenUnknown() throws Exception {
        CertificateUpdate noOperator = precertUpdate(new LogSource("Tiled", "https://tiled.example/", null, LogSource.TILED));
        JsonNode source = JSON.readTree(WireFormat.lite(noOperator).getBytes()).get("data").get("source");
        assertEquals(Set.of("name", "url", "timestamp", "type"), fields(source));
        assertEquals("tiled", source.get("type").asText());
    }

    @Test
    void domainsOnlyMessageListsAllDomains() throws Exception {
        JsonNode m = JSON.readTree(WireFormat.domainsOnly(update).getBytes());
        assertEquals(Set.of("message_type", "data"), fields(m));
        assertEquals("dns_entries", m.get("message_type").asText());
        assertEquals(List.of("www.example.com", "*.example.com", "xn--bcher-kva.example", "example.com"), strings(m.get("data")));
    }

    @Test
    void heartbeatCarriesEpochSeconds() throws Exception {
        JsonNode m = JSON.readTree(WireFormat.heartbeat(1659301203L).getBytes());
        assertEquals(Set.of("message_type", "timestamp"), fields(m));
        assertEquals("heartbeat", m.get("message_type").asText());
        assertTrue(m.get("timestamp").isIntegralNumber());
        assertEquals(1659301203L, m.get("timestamp").asLong());
    }

    @Test
    void seenIsPrintedLikeGoFloatsWithoutExponent() {
        String whole = WireFormat.lite(withSeen(1659301203000L)).toString();
        assertTrue(whole.contains("\"seen\":1659301203,"), whole);
        String tenth = WireFormat.lite(withSeen(1659301203900L)).toString();
        assertTrue(tenth.contains("\"seen\":1659301203.9,"), tenth);
    }

    @Test
    void nulBytesAndNonAsciiSurviveAsValidJson() throws Exception {
        byte[] der = new TestCertificates.Builder("CN=nul\u0000.example,O=Ünïcödé 株式会社").der();
        Certificate c = new CertificateDecoder().decode(der);
        CertificateUpdate u = new CertificateUpdate(update.updateType(), 1, "l", 0, 0, update.source(), c, List.of());
        JsonNode subject = JSON.readTree(WireFormat.full(u).getBytes()).get("data").get("leaf_cert").get("subject");
        assertEquals("nul\u0000.example", subject.get("CN").asText());
        assertEquals("Ünïcödé 株式会社", subject.get("O").asText());
    }

    @Test
    void aBmpStringWithHalfASurrogatePairStillSerializes() throws Exception {
        X500NameBuilder name = new X500NameBuilder();
        name.addRDN(BCStyle.CN, new DERBMPString("broken\uD800.example"));
        Certificate c = new CertificateDecoder().decode(new TestCertificates.Builder(name.build()).der());
        assertEquals("broken\uFFFD.example", c.subject().cn());
        CertificateUpdate u = new CertificateUpdate(update.updateType(), 1, "l", 0, 0, update.source(), c, List.of());
        assertEquals("broken\uFFFD.example",
                JSON.readTree(WireFormat.full(u).getBytes()).get("data").get("leaf_cert").get("subject").get("CN").asText());
    }

    private CertificateUpdate withSeen(long seenMillis) {
        return new CertificateUpdate(update.updateType(), update.certIndex(), update.certLink(), seenMillis,
                update.logTimestamp(), update.source(), update.leaf(), update.chain());
    }

    private static void assertCertificate(JsonNode c, boolean withDer) {
        Set<String> expected = new HashSet<>(Set.of("subject", "issuer", "extensions", "not_before", "not_after",
                "serial_number", "fingerprint", "sha1", "sha256", "signature_algorithm", "is_ca", "all_domains"));
        if (withDer) {
            expected.add("as_der");
        }
        assertEquals(expected, fields(c));
        assertEquals(NAME_KEYS, fields(c.get("subject")));
        assertEquals(NAME_KEYS, fields(c.get("issuer")));
        assertTrue(c.get("subject").get("aggregated").isTextual());
        assertTrue(c.get("extensions").isObject());
        assertTrue(c.get("not_before").isIntegralNumber());
        assertTrue(c.get("not_after").isIntegralNumber());
        assertTrue(c.get("serial_number").asText().matches("-?([0-9A-F]{2})+"), c.get("serial_number").asText());
        assertTrue(c.get("sha1").asText().matches(COLON_HEX) && c.get("sha1").asText().length() == 59);
        assertTrue(c.get("sha256").asText().matches(COLON_HEX) && c.get("sha256").asText().length() == 95);
        assertEquals(c.get("sha1").asText(), c.get("fingerprint").asText());
        assertTrue(c.get("signature_algorithm").isTextual());
        assertTrue(c.get("is_ca").isBoolean());
        assertTrue(c.get("all_domains").isArray());
        c.get("extensions").fields().forEachRemaining(e -> assertTrue(
                e.getKey().equals("ctlPoisonByte") ? e.getValue().isBoolean() : e.getValue().isTextual(), e.getKey()));
    }

    private static Set<String> fields(JsonNode node) {
        Set<String> names = new HashSet<>();
        node.fieldNames().forEachRemaining(names::add);
        return names;
    }

    private static List<String> strings(JsonNode array) {
        List<String> out = new ArrayList<>();
        array.forEach(n -> out.add(n.asText()));
        return out;
    }
}
