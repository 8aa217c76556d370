package io.certstream.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

/**
 * The library reads what other CertStream servers document (test resources under {@code upstream/},
 * see the README there): every field lands in the records, and fields it does not know are ignored.
 */
class UpstreamMessagesTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void readsEveryFieldOfCaliDogsReadmeExample() throws IOException {
        String raw = resource("calidog-readme-certificate-update.json");
        CertificateMessage message = assertInstanceOf(CertificateMessage.class, CertStreamMessages.parse(raw).orElseThrow());
        assertEquals("certificate_update", message.messageType());
        assertEquals(raw, message.rawJson());

        CertificateData data = message.data();
        assertEquals("X509LogEntry", data.updateType());
        assertEquals(19587936L, data.certIndex());
        assertEquals(1508483726.8601687, data.seen());
        assertNull(data.certLink(), "CaliDog's example has no cert_link");
        assertEquals(new Source("Comodo 'Mammoth' CT log", "mammoth.ct.comodo.com", null, null, null), data.source());

        LeafCert leaf = data.leafCert();
        assertEquals(new Subject(null, null, null, null, null, "e-zigarette-liquid-shop.de", null,
                "/CN=e-zigarette-liquid-shop.de"), leaf.subject());
        assertNull(leaf.issuer());
        assertEquals(Map.of(
                "keyUsage", "Digital Signature, Key Encipherment",
                "extendedKeyUsage", "TLS Web Server Authentication, TLS Web Client Authentication",
                "basicConstraints", "CA:FALSE",
                "subjectKeyIdentifier", "AC:4C:7B:3C:E9:C8:7F:CB:E2:7D:5D:64:F2:25:0C:89:C2:AE:F0:5E",
                "authorityKeyIdentifier", "keyid:A8:4A:6A:63:04:7D:DD:BA:E6:D1:39:B7:A6:45:65:EF:F3:A8:EC:A1\n",
                "authorityInfoAccess", "OCSP - URI:http://ocsp.int-x3.letsencrypt.org\nCA Issuers - URI:http://cert.int-x3.letsencrypt.org/\n",
                "subjectAltName", "DNS:e-zigarette-liquid-shop.de, DNS:www.e-zigarette-liquid-shop.de",
                "certificatePolicies", "Policy: 2.23.140.1.2.1\nPolicy: 1.3.6.1.4.1.44947.1.1.1\n  CPS: http://cps.letsencrypt.org\n"
                        + "  User Notice:\n    Explicit Text: This Certificate may only be relied upon by Relying Parties and only in"
                        + " accordance with the Certificate Policy found at https://letsencrypt.org/repository/\n"), leaf.extensions());
        assertEquals("DNS:e-zigarette-liquid-shop.de, DNS:www.e-zigarette-liquid-shop.de", leaf.subjectAltName());
        assertFalse(leaf.isPrecertificate());
        assertEquals(1508123861L, leaf.notBefore(), "float seconds are read as whole seconds");
        assertEquals(1515899861L, leaf.notAfter());
        assertEquals("::BASE64_DER_CERT::", leaf.asDer());
        assertEquals(List.of("e-zigarette-liquid-shop.de", "www.e-zigarette-liquid-shop.de"), leaf.allDomains());
        assertEquals(leaf.allDomains(), data.allDomains());
        assertNull(leaf.serialNumber());
        assertNull(leaf.fingerprint());
        assertFalse(leaf.isCa());

        assertEquals(2, data.chain().size());
        LeafCert intermediate = data.chain().get(0);
        assertEquals(new Subject("US", null, null, "Let's Encrypt", null, "Let's Encrypt Authority X3", null,
                "/C=US/O=Let's Encrypt/CN=Let's Encrypt Authority X3"), intermediate.subject());
        assertEquals(7, intermediate.extensions().size());
        assertEquals("\nFull Name:\n  URI:http://crl.identrust.com/DSTROOTCAX3CRL.crl\n",
                intermediate.extensions().get("crlDistributionPoints"));
        assertEquals(1458232846L, intermediate.notBefore());
        assertEquals(1615999246L, intermediate.notAfter());
        assertEquals("::BASE64_DER_CERT::", intermediate.asDer());
        assertEquals(List.of(), intermediate.allDomains(), "CaliDog's chain entries have no all_domains");
        LeafCert root = data.chain().get(1);
        assertEquals("/O=Digital Signature Trust Co./CN=DST Root CA X3", root.subject().aggregated());
        assertEquals("Digital Signature Trust Co.", root.subject().organization());
        assertEquals("CA:TRUE", root.extensions().get("basicConstraints"));
        assertEquals(970348339L, root.notBefore());
        assertEquals(1633010475L, root.notAfter());
    }

    @Test
    void readsEveryFieldOfCertstreamServerGosReadmeExample() throws IOException {
        String raw = resource("certstream-server-go-readme-lite.json");
        CertificateData data = assertInstanceOf(CertificateMessage.class, CertStreamMessages.parse(raw).orElseThrow()).data();
        checkGoExampleCommonFields(data);
        assertEquals(new Source("DigiCert Yeti2022-2 Log", "https://yeti2022-2.ct.digicert.com/log", null, null, null),
                data.source());
        assertNull(data.leafCert().asDer(), "lite stream");
        assertEquals(List.of(), data.chain(), "lite stream");
        assertEquals(6, data.leafCert().extensions().size());
        assertFalse(data.leafCert().isPrecertificate(), "the README example has no ctlPoisonByte");
    }

    @Test
    void readsCertstreamServerGosFullStreamMessage() throws IOException {
        String raw = resource("certstream-server-go-full-stream.json");
        CertificateData data = assertInstanceOf(CertificateMessage.class, CertStreamMessages.parse(raw).orElseThrow()).data();
        checkGoExampleCommonFields(data);
        assertEquals(new Source("DigiCert Yeti2022-2 Log", "https://yeti2022-2.ct.digicert.com/log", 1659301201.512,
                "rfc6962", null), data.source());
        LeafCert leaf = data.leafCert();
        assertEquals("MIIEcDCCA1igAwIBAgISBJi9+BL6+SP+vV73s3SJn8YaMA0=", leaf.asDer());
        assertEquals(Boolean.TRUE, leaf.extensions().get("ctlPoisonByte"));
        assertTrue(leaf.isPrecertificate());
        assertEquals("BIIBaQFnAHUA", leaf.extensions().get("ctlSignedCertificateTimestamp"));
        assertEquals(8, leaf.extensions().size());

        assertEquals(1, data.chain().size());
        LeafCert r3 = data.chain().get(0);
        assertEquals(new Subject("US", null, null, "Let's Encrypt", null, "R3", null, "/C=US/CN=R3/O=Let's Encrypt"),
                r3.subject());
        assertEquals(new Subject("US", null, null, "Internet Security Research Group", null, "ISRG Root X1", null,
                "/C=US/CN=ISRG Root X1/O=Internet Security Research Group"), r3.issuer());
        assertTrue(r3.isCa());
        assertEquals(List.of(), r3.allDomains());
        assertEquals("912B084ACF0C18A753F6D62E25A75F5A", r3.serialNumber());
        assertEquals(1599177600L, r3.notBefore());
        assertEquals(1758895200L, r3.notAfter());
        assertEquals("A0:53:37:5B:FE:84:E8:B7:48:78:2C:7C:EE:15:82:7A:6A:F5:A4:05", r3.fingerprint());
        assertEquals(r3.fingerprint(), r3.sha1());
        assertEquals("67:AD:D1:16:6B:02:0A:E6:1B:8F:5F:C9:68:13:C0:4C:2A:A5:89:96:07:96:86:55:72:A3:C7:E7:37:61:3D:FD",
                r3.sha256());
        assertEquals("sha256, rsa", r3.signatureAlgorithm());
        assertEquals("MIIFFjCCAv6gAwIBAgIRAJErCErPDBinU/bWLiWnX1owDQ==", r3.asDer());
        assertEquals("Digital Signature, Certificate Signing, CRL Signing", r3.extensions().get("keyUsage"));
    }

    private static void checkGoExampleCommonFields(CertificateData data) {
        assertEquals("PrecertLogEntry", data.updateType());
        assertEquals(712420366L, data.certIndex());
        assertEquals("https://yeti2022-2.ct.digicert.com/log/ct/v1/get-entries?start=712420366&end=712420366", data.certLink());
        assertEquals(1659301203.904, data.seen());
        LeafCert leaf = data.leafCert();
        assertEquals(List.of("cmslieferhit.e06.k-k.de"), leaf.allDomains());
        assertEquals("URI:http://r3.i.lencr.org/, URI:http://r3.o.lencr.org", leaf.extensions().get("authorityInfoAccess"));
        assertEquals("keyid:14:2e:b3:17:b7:58:56:cb:ae:50:09:40:e6:1f:af:9d:8b:14:c2:c6",
                leaf.extensions().get("authorityKeyIdentifier"));
        assertEquals("CA:FALSE", leaf.extensions().get("basicConstraints"));
        assertEquals("Digital Signature, Key Encipherment", leaf.extensions().get("keyUsage"));
        assertEquals("DNS:cmslieferhit.e06.k-k.de", leaf.subjectAltName());
        assertEquals("keyid:4e:cb:ae:47:84:a8:92:f7:e7:de:78:d1:00:9e:d9:cc:80:ac:0b:ce",
                leaf.extensions().get("subjectKeyIdentifier"));
        assertEquals("27:58:3D:01:3D:71:B8:D3:A6:6E:2C:7A:86:3A:E9:1F:DB:F0:1B:5D", leaf.fingerprint());
        assertEquals("27:58:3D:01:3D:71:B8:D3:A6:6E:2C:7A:86:3A:E9:1F:DB:F0:1B:5D", leaf.sha1());
        assertEquals("57:61:38:C0:3C:03:A3:34:6A:0B:32:89:11:1B:74:AB:8A:DF:A5:02:9F:06:43:E6:F3:0E:69:F3:0E:4E:4E:FC",
                leaf.sha256());
        assertEquals(1667028404L, leaf.notAfter());
        assertEquals(1659252405L, leaf.notBefore());
        assertEquals("0498BDF812FAF923FEBD5EF7B374899FC61A", leaf.serialNumber());
        assertEquals("sha256, rsa", leaf.signatureAlgorithm());
        assertEquals(new Subject(null, null, null, null, null, "cmslieferhit.e06.k-k.de", null,
                "/CN=cmslieferhit.e06.k-k.de"), leaf.subject());
        assertEquals(new Subject("US", null, null, "Let's Encrypt", null, "R3", null, "/C=US/CN=R3/O=Let's Encrypt"),
                leaf.issuer());
        assertFalse(leaf.isCa());
    }

    @Test
    void readsDomainsOnlyAndHeartbeatMessages() throws IOException {
        String domains = resource("certstream-server-go-domains-only.json");
        DomainsMessage d = assertInstanceOf(DomainsMessage.class, CertStreamMessages.parse(domains).orElseThrow());
        assertEquals(List.of("cmslieferhit.e06.k-k.de"), d.domains());
        assertEquals("dns_entries", d.messageType());

        HeartbeatMessage h = assertInstanceOf(HeartbeatMessage.class,
                CertStreamMessages.parse(resource("heartbeat.json")).orElseThrow());
        assertEquals(1659301230.0, h.timestamp());
        assertEquals(1508483726.8601687, ((HeartbeatMessage) CertStreamMessages.parse(
                "{\"message_type\":\"heartbeat\",\"timestamp\":1508483726.8601687}").orElseThrow()).timestamp(),
                "fractional heartbeat timestamps are kept");
    }

    /**
     * Every object of every example gets fields no server sends today (scalars, objects, arrays): the
     * typed result is the same as without them, so a server that adds fields never breaks a client.
     */
    @ParameterizedTest
    @ValueSource(strings = {"calidog-readme-certificate-update.json", "certstream-server-go-readme-lite.json",
            "certstream-server-go-full-stream.json", "certstream-server-go-domains-only.json", "heartbeat.json"})
    void ignoresUnknownFieldsAtEveryLevel(String name) throws IOException {
        String raw = resource(name);
        JsonNode tree = JSON.readTree(raw);
        int added = addUnknownFields(tree, false);
        assertTrue(added >= 1, name);
        String extended = JSON.writeValueAsString(tree);

        CertStreamMessage plain = CertStreamMessages.parse(raw).orElseThrow();
        CertStreamMessage withUnknown = CertStreamMessages.parse(extended).orElseThrow();
        assertEquals(withoutRaw(plain), withoutRaw(withUnknown), name + " with " + added + " unknown fields");
        assertEquals(extended, withUnknown.rawJson(), "rawJson is what was received, unknown fields included");
    }

    @Test
    void skipsUnknownMessageTypesAndRejectsWhatIsNotAMessage() {
        assertTrue(CertStreamMessages.parse("{\"message_type\":\"something_new\",\"data\":{}}").isEmpty());
        IllegalArgumentException notJson = assertThrows(IllegalArgumentException.class, () -> CertStreamMessages.parse("{"));
        assertTrue(notJson.getMessage().contains("invalid JSON"), notJson.getMessage());
        IllegalArgumentException noType = assertThrows(IllegalArgumentException.class,
                () -> CertStreamMessages.parse("{\"data\":[]}"));
        assertTrue(noType.getMessage().contains("message_type"), noType.getMessage());
        IllegalArgumentException badShape = assertThrows(IllegalArgumentException.class,
                () -> CertStreamMessages.parse("{\"message_type\":\"certificate_update\",\"data\":{\"cert_index\":\"many\"}}"));
        assertTrue(badShape.getMessage().startsWith("malformed certificate_update message"), badShape.getMessage());
    }

    /** Adds unknown fields to every object except {@code extensions} maps, whose keys are all kept by design. */
    private static int addUnknownFields(JsonNode node, boolean isExtensions) {
        int added = 0;
        if (node instanceof ObjectNode object) {
            List<JsonNode> children = new ArrayList<>();
            object.fields().forEachRemaining(e -> {
                if (!e.getKey().equals("extensions")) {
                    children.add(e.getValue());
                }
            });
            for (JsonNode child : children) {
                added += addUnknownFields(child, false);
            }
            if (!isExtensions) {
                object.put("x_future_number", 42.5);
                object.putObject("x_future_object").put("nested", "value").putArray("list").add(1).add("two");
                object.putNull("x_future_null");
                added += 3;
            }
        } else if (node instanceof ArrayNode array) {
            for (JsonNode child : array) {
                added += addUnknownFields(child, false);
            }
        }
        return added;
    }

    private static Object withoutRaw(CertStreamMessage message) {
        if (message instanceof CertificateMessage c) {
            return c.data();
        }
        if (message instanceof DomainsMessage d) {
            return d.domains();
        }
        return ((HeartbeatMessage) message).timestamp();
    }

    private static String resource(String name) throws IOException {
        try (InputStream in = UpstreamMessagesTest.class.getResourceAsStream("/upstream/" + name)) {
            if (in == null) {
                throw new IOException("test resource upstream/" + name + " is missing");
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }
}
