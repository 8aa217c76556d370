package io.certstream.hub.decode;

import io.certstream.hub.testing.CtData;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;

import io.certstream.model.Certificate;

/**
 * The strange certificates real logs accepted (NUL bytes, bad UTF-8, negative serials, DSA, v1,
 * duplicate extensions, IP SANs) either decode or fail with MalformedEntryException, never another
 * exception type.
 */
class OddCertificatesTest {
    private static final Pattern PEM = Pattern.compile(
            "-----BEGIN CERTIFICATE-----(.*?)-----END CERTIFICATE-----", Pattern.DOTALL);

    private final CertificateDecoder decoder = new CertificateDecoder();

    @Test
    void everyOddCertificateDecodesOrIsReportedMalformed() throws IOException {
        Map<String, Object> outcomes = decodeAll(CtData.file("certs/google-ct-python"));
        assertTrue(outcomes.size() >= 30, "expected the 30 files, got " + outcomes.keySet());
        long decoded = outcomes.values().stream().filter(o -> o instanceof Certificate).count();
        StringBuilder report = new StringBuilder();
        outcomes.forEach((name, o) -> report.append('\n').append(name).append(" -> ")
                .append(o instanceof Certificate c ? describe(c) : o));
        // Today all of them decode; a few may turn malformed with a stricter parser, never crash.
        assertTrue(decoded >= outcomes.size() - 6, "most odd certificates should still decode:" + report);
    }

    @Test
    void keepsTheOddDetailsClientsLookFor() throws IOException {
        Map<String, Object> outcomes = decodeAll(CtData.file("certs/google-ct-python"));
        Certificate nul = (Certificate) outcomes.get("null_chars.pem#0");
        assertTrue(nul.subject().cn().contains("\0"), "the NUL in the CN is kept, as the JSON escape \\u0000");
        assertTrue(nul.extensions().get("subjectAltName").toString().contains("IP Address:"), nul.extensions().toString());

        Certificate negative = (Certificate) outcomes.get("negative_serial.pem#0");
        assertTrue(negative.serialNumber().startsWith("-"), negative.serialNumber());
        assertEquals(0, (negative.serialNumber().length() - 1) % 2, "the magnitude is padded to whole bytes");

        Certificate dsa = (Certificate) outcomes.get("dsa_with_sha256.der#0");
        assertEquals("dsa, sha256", dsa.signatureAlgorithm());

        Certificate google = (Certificate) outcomes.get("google_cert.der#0");
        assertEquals(44, google.allDomains().size() - (google.allDomains().contains(google.subject().cn()) ? 0 : 1),
                google.allDomains().toString());

        Certificate duplicateEku = (Certificate) outcomes.get("multiple_eku.pem#0");
        assertFalse(duplicateEku.extensions().get("extendedKeyUsage").toString().isEmpty(),
                "duplicate extensions (which the JDK rejects) still decode");
    }

    @Test
    void recentRealCertificatesCarryTheirCtExtensions() throws IOException {
        Map<String, Object> outcomes = decodeAll(CtData.file("certs/azul"));
        Object tbsOnly = outcomes.remove("cloudflare-tbs-without-sct.der#0");
        assertTrue(tbsOnly.toString().startsWith("malformed: "), "a bare TBSCertificate is not a certificate: " + tbsOnly);
        outcomes.forEach((name, o) -> assertTrue(o instanceof Certificate, name + " should decode: " + o));
        Certificate cloudflare = (Certificate) outcomes.get("cloudflare.pem#0");
        assertTrue(cloudflare.extensions().get("ctlSignedCertificateTimestamp").toString().matches("[A-Za-z0-9_-]+=*"),
                "embedded SCTs as EasySSL shows them: URL-safe base64 of the extension value");
        assertFalse(cloudflare.extensions().containsKey("ctlPoisonByte"));
        assertEquals("ecdsa, sha256", cloudflare.signatureAlgorithm());
        Certificate precert = (Certificate) outcomes.get("real-precert-with-eku.pem#0");
        assertEquals(Boolean.TRUE, precert.extensions().get("ctlPoisonByte"));
        assertTrue(precert.allDomains().contains("certificate.transparency.dev"), precert.allDomains().toString());
        Certificate preIssuer = (Certificate) outcomes.get("preissuer-chain.pem#1");
        assertTrue(preIssuer.extensions().get("extendedKeyUsage").toString().contains("1.3.6.1.4.1.11129.2.4.4"),
                "the Precertificate Signing Certificate's EKU has no EasySSL name, so its OID is shown");
    }

    private Map<String, Object> decodeAll(Path dir) throws IOException {
        Map<String, Object> outcomes = new LinkedHashMap<>();
        try (Stream<Path> files = Files.list(dir)) {
            for (Path file : files.sorted().toList()) {
                List<byte[]> ders = read(file);
                for (int i = 0; i < ders.size(); i++) {
                    String key = file.getFileName() + "#" + i;
                    try {
                        outcomes.put(key, decoder.decode(ders.get(i)));
                    } catch (MalformedEntryException e) {
                        outcomes.put(key, "malformed: " + e.getMessage());
                    }
                }
            }
        }
        return outcomes;
    }

    static List<byte[]> read(Path file) throws IOException {
        byte[] bytes = Files.readAllBytes(file);
        if (file.toString().endsWith(".der")) {
            return List.of(bytes);
        }
        List<byte[]> out = new ArrayList<>();
        Matcher m = PEM.matcher(new String(bytes, StandardCharsets.US_ASCII));
        while (m.find()) {
            out.add(Base64.getMimeDecoder().decode(m.group(1)));
        }
        return out;
    }

    private static String describe(Certificate c) {
        return c.subject().aggregated() + " serial=" + c.serialNumber() + " sig=" + c.signatureAlgorithm()
                + " domains=" + c.allDomains() + " ext=" + c.extensions().keySet();
    }
}
