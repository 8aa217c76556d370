package io.certstream.hub.decode;

import io.certstream.hub.testing.CtData;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.Collection;
import java.util.HexFormat;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.stream.Stream;

import javax.naming.ldap.LdapName;
import javax.naming.ldap.Rdn;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.certstream.model.Certificate;
import io.certstream.model.CertificateUpdate;
import io.certstream.model.LogSource;
import io.certstream.model.UpdateType;

/**
 * Decodes real log entries and checks each against the JDK's own X.509 parser, which shares no
 * code with ours: domains, fingerprints, serial, validity, CA flag, names, entry type and chain.
 */
class RealLogEntriesTest {
    private static final LogSource SOURCE = new LogSource("Test log", "https://ct.example/log", null, LogSource.RFC6962);
    private static final ObjectMapper JSON = new ObjectMapper();

    private final LogEntryDecoder decoder = new LogEntryDecoder();

    @Test
    void decodesEveryEntryOfTheMixedGetEntriesResponseLikeTheJdk() throws Exception {
        List<RawEntry> entries = getEntries("rfc6962/assembled_mixed/get-entries_15_mixed.json");
        assertEquals(15, entries.size());
        long precerts = entries.stream().map(this::checkAgainstJdk).filter(u -> u.updateType() == UpdateType.PrecertLogEntry).count();
        // MANIFEST.md says 9 x509 + 6 precert, but the file holds 8 + 7 (entry_type bytes checked by hand).
        assertEquals(7, precerts, "the mixed file has 7 precert entries");
    }

    @Test
    void decodesAllNavigliPrecertificatesLikeTheJdk() throws Exception {
        List<RawEntry> entries = getEntries("rfc6962/navigli2025h2_derived/get-entries_start0_end1023.json");
        assertEquals(1024, entries.size());
        for (RawEntry e : entries) {
            CertificateUpdate u = checkAgainstJdk(e);
            assertEquals(UpdateType.PrecertLogEntry, u.updateType());
            assertEquals(Boolean.TRUE, u.leaf().extensions().get("ctlPoisonByte"), "entry " + e.index());
            assertEquals(2, u.chain().size(), "navigli chains are [intermediate, root], entry " + e.index());
            assertTrue(u.chain().get(1).isCa());
            assertTrue(u.chain().get(1).allDomains().isEmpty(), "a CA's CN is not a domain");
        }
    }

    @Test
    void decodesTheSingleRawEntriesLikeTheJdk() throws Exception {
        Path dir = CtData.file("rfc6962/single_entries");
        int checked = 0;
        for (String project : List.of("scrape-ct-log", "ctclient-rs")) {
            for (String kind : List.of("x509", "precert")) {
                Path base = dir.resolve(project);
                RawEntry raw = new RawEntry(checked, Files.readAllBytes(base.resolve(kind + "_leaf_input.bin")),
                        Files.readAllBytes(base.resolve(kind + "_extra_data.bin")));
                CertificateUpdate u = checkAgainstJdk(raw);
                assertEquals(kind.equals("x509") ? UpdateType.X509LogEntry : UpdateType.PrecertLogEntry, u.updateType());
                checked++;
            }
        }
        try (Stream<Path> files = Files.list(dir.resolve("ctgo-logclient"))) {
            for (Path json : files.filter(p -> p.toString().endsWith(".json")).toList()) {
                checkAgainstJdk(rawEntry(JSON.readTree(json.toFile()), checked++));
            }
        }
        assertEquals(6, checked);
    }

    @Test
    void rendersTheLetsEncryptStyleExtensionsOfARealPrecertificate() throws Exception {
        CertificateUpdate u = decoder.decode(getEntries("rfc6962/navigli2025h2_derived/get-entries_start0_end31.json").get(0),
                SOURCE, "link", 0);
        Certificate leaf = u.leaf();
        assertEquals("CA:FALSE", leaf.extensions().get("basicConstraints"));
        assertTrue(((String) leaf.extensions().get("subjectAltName")).startsWith("DNS:"));
        assertTrue(((String) leaf.extensions().get("authorityKeyIdentifier")).matches("keyid:([0-9a-f]{2}:)*[0-9a-f]{2}"));
        assertTrue(((String) leaf.extensions().get("subjectKeyIdentifier")).matches("keyid:([0-9a-f]{2}:)*[0-9a-f]{2}"));
        assertEquals("TLS Web server authentication", leaf.extensions().get("extendedKeyUsage").toString().split(", ")[0]);
        assertTrue(leaf.extensions().get("certificatePolicies").toString().startsWith("Policy: 2.23.140.1.2.1"));
        assertTrue(leaf.signatureAlgorithm().equals("sha256, rsa") || leaf.signatureAlgorithm().startsWith("ecdsa, sha"),
                leaf.signatureAlgorithm());
        assertTrue(leaf.issuer().aggregated().startsWith("/C=US/CN="), leaf.issuer().aggregated());
    }

    /** Decodes one entry and compares it field by field with what the JDK reads from the same bytes. */
    private CertificateUpdate checkAgainstJdk(RawEntry raw) {
        CertificateUpdate u = decoder.decode(raw, SOURCE, "https://ct.example/log/ct/v1/get-entries?start=" + raw.index(), 1_700_000_000_123L);
        String where = "entry " + raw.index();
        int entryType = ((raw.leafInput()[10] & 0xFF) << 8) | (raw.leafInput()[11] & 0xFF);
        assertEquals(entryType == 0 ? UpdateType.X509LogEntry : UpdateType.PrecertLogEntry, u.updateType(), where);
        assertEquals(raw.index(), u.certIndex());

        // Frame the certificates independently of the decoder under test.
        List<byte[]> certs = new ArrayList<>();
        int chainStart;
        if (entryType == 0) {
            certs.add(slice24(raw.leafInput(), 12));
            chainStart = 3;
        } else {
            byte[] pre = slice24(raw.extraData(), 0);
            certs.add(pre);
            chainStart = 3 + pre.length + 3;
        }
        for (int off = chainStart; off < raw.extraData().length; ) {
            byte[] c = slice24(raw.extraData(), off);
            certs.add(c);
            off += 3 + c.length;
        }
        assertEquals(certs.size() - 1, u.chain().size(), where + " chain length");

        List<Certificate> ours = new ArrayList<>();
        ours.add(u.leaf());
        ours.addAll(u.chain());
        for (int i = 0; i < certs.size(); i++) {
            compare(jdk(certs.get(i)), ours.get(i), where + (i == 0 ? " leaf" : " chain " + (i - 1)));
        }
        // Each certificate is issued by the next one in the chain.
        for (int i = 0; i + 1 < ours.size(); i++) {
            assertEquals(ours.get(i + 1).subject().aggregated(), ours.get(i).issuer().aggregated(), where + " chain link " + i);
        }
        return u;
    }

    private static void compare(X509Certificate jdk, Certificate ours, String where) {
        try {
            byte[] der = jdk.getEncoded();
            assertEquals(colonHex(MessageDigest.getInstance("SHA-1").digest(der)), ours.sha1(), where + " sha1");
            assertEquals(ours.sha1(), ours.fingerprint());
            assertEquals(colonHex(MessageDigest.getInstance("SHA-256").digest(der)), ours.sha256(), where + " sha256");
            String serial = jdk.getSerialNumber().toString(16).toUpperCase(Locale.ROOT);
            assertEquals(serial.length() % 2 == 0 ? serial : "0" + serial, ours.serialNumber(), where + " serial");
            assertEquals(jdk.getNotBefore().getTime() / 1000, ours.notBefore(), where + " not_before");
            assertEquals(jdk.getNotAfter().getTime() / 1000, ours.notAfter(), where + " not_after");
            boolean ca = jdk.getBasicConstraints() != -1;
            assertEquals(ca, ours.isCa(), where + " is_ca");
            String cn = lastCn(jdk.getSubjectX500Principal().getName());
            assertEquals(cn, ours.subject().cn(), where + " subject CN");
            assertEquals(lastCn(jdk.getIssuerX500Principal().getName()), ours.issuer().cn(), where + " issuer CN");

            Set<String> domains = new LinkedHashSet<>();
            Collection<List<?>> sans = jdk.getSubjectAlternativeNames();
            if (sans != null) {
                sans.stream().filter(s -> (Integer) s.get(0) == 2).forEach(s -> domains.add((String) s.get(1)));
            }
            if (cn != null && !cn.isEmpty() && !ca) {
                domains.add(cn);
            }
            assertEquals(List.copyOf(domains), ours.allDomains(), where + " all_domains");
            assertFalse(ours.signatureAlgorithm().equals("unknown"), where + " signature algorithm " + jdk.getSigAlgName());
        } catch (Exception e) {
            throw new AssertionError(where + ": " + e, e);
        }
    }

    private static String lastCn(String rfc2253) throws Exception {
        String cn = null;
        for (Rdn rdn : new LdapName(rfc2253).getRdns()) { // getRdns() is in DER order
            if (rdn.getType().equalsIgnoreCase("CN")) {
                cn = rdn.getValue().toString();
            }
        }
        return cn;
    }

    private static X509Certificate jdk(byte[] der) {
        try {
            return (X509Certificate) CertificateFactory.getInstance("X.509").generateCertificate(new ByteArrayInputStream(der));
        } catch (Exception e) {
            return fail("the JDK cannot parse a certificate the manifest says it can: " + e);
        }
    }

    private static byte[] slice24(byte[] b, int off) {
        int len = ((b[off] & 0xFF) << 16) | ((b[off + 1] & 0xFF) << 8) | (b[off + 2] & 0xFF);
        return Arrays.copyOfRange(b, off + 3, off + 3 + len);
    }

    private static String colonHex(byte[] digest) {
        return HexFormat.ofDelimiter(":").withUpperCase().formatHex(digest);
    }

    static List<RawEntry> getEntries(String relative) throws IOException {
        JsonNode body = JSON.readTree(CtData.file(relative).toFile());
        JsonNode entries = body.get("entries");
        assertNotNull(entries, relative + " has no entries");
        List<RawEntry> out = new ArrayList<>();
        for (int i = 0; i < entries.size(); i++) {
            out.add(rawEntry(entries.get(i), i));
        }
        return out;
    }

    private static RawEntry rawEntry(JsonNode entry, long index) {
        return new RawEntry(index, Base64.getDecoder().decode(entry.get("leaf_input").asText()),
                Base64.getDecoder().decode(entry.get("extra_data").asText()));
    }
}
