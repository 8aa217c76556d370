package io.certstream.hub.decode;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.math.BigInteger;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import org.bouncycastle.asn1.ASN1Encodable;
import org.bouncycastle.asn1.ASN1Encoding;
import org.bouncycastle.asn1.DEROctetString;
import org.bouncycastle.asn1.DERSequence;
import org.bouncycastle.asn1.x509.AccessDescription;
import org.bouncycastle.asn1.x509.AuthorityKeyIdentifier;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.CertificatePolicies;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.asn1.x509.PolicyInformation;
import org.bouncycastle.asn1.x509.PolicyQualifierInfo;
import org.bouncycastle.asn1.x509.SubjectKeyIdentifier;
import org.bouncycastle.asn1.ASN1ObjectIdentifier;
import org.junit.jupiter.api.Test;

import io.certstream.model.Certificate;
import io.certstream.model.CertificateUpdate;
import io.certstream.model.DistinguishedName;
import io.certstream.model.LogSource;
import io.certstream.model.UpdateType;

/** Self-contained: certificates built here with BouncyCastle, wrapped into RFC 6962 entries, every field checked. */
class LogEntryDecoderTest {
    static final LogSource SOURCE = new LogSource("Test 'Alpha' log", "https://ct.example/alpha", "Example Operator", LogSource.RFC6962);
    static final String ROOT = "C=US,O=Test CA Org,CN=Test Root";
    static final long LOG_TIMESTAMP = 1659301203904L;
    private static final byte[] KEY_ID = HexFormat.of().parseHex("142eb317b75856cbae500940e61faf9d8b14c2c6");
    private static final byte[] SCT_BYTES = HexFormat.of().parseHex("00f0007600e83ed0da3ef5063532e75728bc896bc9");

    private final LogEntryDecoder decoder = new LogEntryDecoder();

    static byte[] root() {
        return new TestCertificates.Builder(ROOT).key(TestCertificates.rsa().getPublic())
                .extension(Extension.basicConstraints, true, new BasicConstraints(true))
                .extension(Extension.keyUsage, true, new KeyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign))
                .der();
    }

    /** An ECDSA leaf signed by the RSA root, with every extension CertStream renders. */
    static TestCertificates.Builder richLeaf() {
        return new TestCertificates.Builder("C=DE,ST=Berlin,L=Berlin,O=Example GmbH,OU=Web,CN=www.example.com,E=admin@example.com")
                .issuer(ROOT)
                .serial(new BigInteger("0498BDF812FAF923FEBD5EF7B374899FC61A", 16))
                .extension(Extension.keyUsage, true, new KeyUsage(KeyUsage.digitalSignature | KeyUsage.keyEncipherment))
                .extension(Extension.extendedKeyUsage, false,
                        new ExtendedKeyUsage(new KeyPurposeId[] {KeyPurposeId.id_kp_serverAuth, KeyPurposeId.id_kp_clientAuth}))
                .extension(Extension.basicConstraints, true, new BasicConstraints(false))
                .extension(Extension.subjectKeyIdentifier, false, new SubjectKeyIdentifier(KEY_ID))
                .extension(Extension.authorityKeyIdentifier, false, new AuthorityKeyIdentifier(KEY_ID))
                .extension(Extension.authorityInfoAccess, false, new DERSequence(new ASN1Encodable[] {
                        // OCSP first on purpose: the wire format lists CA issuers first, as certstream-server-go does.
                        new AccessDescription(AccessDescription.id_ad_ocsp,
                                new GeneralName(GeneralName.uniformResourceIdentifier, "http://r3.o.lencr.org")),
                        new AccessDescription(AccessDescription.id_ad_caIssuers,
                                new GeneralName(GeneralName.uniformResourceIdentifier, "http://r3.i.lencr.org/"))}))
                .extension(Extension.subjectAlternativeName, false, new GeneralNames(new GeneralName[] {
                        new GeneralName(GeneralName.dNSName, "www.example.com"),
                        new GeneralName(GeneralName.dNSName, "*.example.com"),
                        new GeneralName(GeneralName.iPAddress, "192.0.2.1"),
                        new GeneralName(GeneralName.dNSName, "xn--bcher-kva.example"),
                        new GeneralName(GeneralName.rfc822Name, "admin@example.com"),
                        new GeneralName(GeneralName.iPAddress, "2001:db8:0:0:0:0:0:1"),
                        new GeneralName(GeneralName.uniformResourceIdentifier, "https://example.com/"),
                        new GeneralName(GeneralName.dNSName, "example.com"),
                        new GeneralName(GeneralName.dNSName, "www.example.com")}))
                .extension(Extension.certificatePolicies, false, new CertificatePolicies(new PolicyInformation[] {
                        new PolicyInformation(new ASN1ObjectIdentifier("2.23.140.1.2.1")),
                        new PolicyInformation(new ASN1ObjectIdentifier("1.3.6.1.4.1.44947.1.1.1"),
                                new DERSequence(new PolicyQualifierInfo("http://cps.letsencrypt.org")))}));
    }

    @Test
    void decodesEveryFieldOfAnX509Entry() throws Exception {
        byte[] root = root();
        byte[] leaf = richLeaf().extension(TestCertificates.SCT_LIST, false, TestCertificates.sctList(SCT_BYTES)).der();
        RawEntry raw = new RawEntry(712420366L, CtEntryBytes.x509LeafInput(LOG_TIMESTAMP, leaf), CtEntryBytes.x509ExtraData(List.of(root)));

        CertificateUpdate u = decoder.decode(raw, SOURCE, "https://ct.example/alpha/ct/v1/get-entries?start=712420366&end=712420366", 1700000000123L);

        assertEquals(UpdateType.X509LogEntry, u.updateType());
        assertEquals(712420366L, u.certIndex());
        assertEquals("https://ct.example/alpha/ct/v1/get-entries?start=712420366&end=712420366", u.certLink());
        assertEquals(1700000000123L, u.seenMillis());
        assertEquals(LOG_TIMESTAMP, u.logTimestamp());
        assertSame(SOURCE, u.source());

        Certificate c = u.leaf();
        assertEquals(new DistinguishedName("DE", "Berlin", "Berlin", "Example GmbH", "Web", "www.example.com", "admin@example.com",
                "/C=DE/CN=www.example.com/L=Berlin/O=Example GmbH/OU=Web/ST=Berlin"), c.subject());
        assertEquals(new DistinguishedName("US", null, null, "Test CA Org", null, "Test Root", null,
                "/C=US/CN=Test Root/O=Test CA Org"), c.issuer());
        String sct = Base64.getUrlEncoder().encodeToString(new DEROctetString(SCT_BYTES).getEncoded(ASN1Encoding.DER));
        Map<String, Object> expected = new LinkedHashMap<>();
        expected.put("authorityInfoAccess", "URI:http://r3.i.lencr.org/, URI:http://r3.o.lencr.org");
        expected.put("authorityKeyIdentifier", "keyid:14:2e:b3:17:b7:58:56:cb:ae:50:09:40:e6:1f:af:9d:8b:14:c2:c6");
        expected.put("basicConstraints", "CA:FALSE");
        expected.put("certificatePolicies", "Policy: 2.23.140.1.2.1\nPolicy: 1.3.6.1.4.1.44947.1.1.1\n  CPS: http://cps.letsencrypt.org");
        expected.put("ctlSignedCertificateTimestamp", sct);
        expected.put("extendedKeyUsage", "TLS Web server authentication, TLS Web client authentication");
        expected.put("keyUsage", "Digital Signature, Key Encipherment");
        expected.put("subjectAltName", "DNS:www.example.com, DNS:*.example.com, DNS:xn--bcher-kva.example, DNS:example.com, "
                + "DNS:www.example.com, email:admin@example.com, IP Address:192.0.2.1, IP Address:2001:db8::1, URI:https://example.com/");
        expected.put("subjectKeyIdentifier", "keyid:14:2e:b3:17:b7:58:56:cb:ae:50:09:40:e6:1f:af:9d:8b:14:c2:c6");
        assertEquals(expected, c.extensions());
        assertEquals(List.copyOf(expected.keySet()), List.copyOf(c.extensions().keySet()), "wire order of extensions");
        assertEquals(1659252405L, c.notBefore());
        assertEquals(1667028404L, c.notAfter());
        assertEquals("0498BDF812FAF923FEBD5EF7B374899FC61A", c.serialNumber());
        assertEquals(colonHex("SHA-1", leaf), c.sha1());
        assertEquals(colonHex("SHA-256", leaf), c.sha256());
        assertEquals(c.sha1(), c.fingerprint());
        assertEquals("sha256, rsa", c.signatureAlgorithm());
        assertFalse(c.isCa());
        assertEquals(List.of("www.example.com", "*.example.com", "xn--bcher-kva.example", "example.com"), c.allDomains());
        assertTrue(Arrays.equals(leaf, c.der()));

        assertEquals(1, u.chain().size());
        Certificate r = u.chain().get(0);
        assertTrue(r.isCa());
        assertEquals("CA:TRUE", r.extensions().get("basicConstraints"));
        assertEquals("Certificate Signing, CRL Signing", r.extensions().get("keyUsage"));
        assertEquals(List.of(), r.allDomains(), "a CA's CN is not a domain (certstream-server-go)");
        assertEquals(c.issuer(), r.subject());
        assertEquals(colonHex("SHA-256", root), r.sha256());
    }

    @Test
    void decodesAPrecertEntryFromThePoisonedPreCertificate() throws Exception {
        byte[] root = root();
        byte[] precert = richLeaf().poison().der();
        byte[] tbs = org.bouncycastle.asn1.x509.Certificate.getInstance(richLeaf().der()).getTBSCertificate().getEncoded();
        RawEntry raw = new RawEntry(5, CtEntryBytes.precertLeafInput(LOG_TIMESTAMP, new byte[32], tbs),
                CtEntryBytes.precertExtraData(precert, List.of(root)));

        CertificateUpdate u = decoder.decode(raw, SOURCE, "link", 1L);

        assertEquals(UpdateType.PrecertLogEntry, u.updateType());
        assertEquals(Boolean.TRUE, u.leaf().extensions().get("ctlPoisonByte"));
        assertEquals("ctlPoisonByte", List.copyOf(u.leaf().extensions().keySet()).get(u.leaf().extensions().size() - 1),
                "ctlPoisonByte comes last, as in certstream-server-go's Extensions struct");
        assertEquals(colonHex("SHA-256", precert), u.leaf().sha256(), "hashes are of the pre_certificate, as both anchors do");
        assertEquals(List.of("www.example.com", "*.example.com", "xn--bcher-kva.example", "example.com"), u.leaf().allDomains());
        assertEquals(1, u.chain().size());
        assertTrue(u.chain().get(0).isCa());
    }

    @Test
    void decodesAnEcdsaSignedCertificateWithManySansAndAnIdnCommonName() {
        List<GeneralName> names = new ArrayList<>();
        for (int i = 0; i < 150; i++) {
            names.add(new GeneralName(GeneralName.dNSName, "host" + i + ".xn--mnchen-3ya.example"));
        }
        byte[] leaf = new TestCertificates.Builder("CN=xn--mnchen-3ya.example")
                .issuer("CN=EC Test CA")
                .serial(BigInteger.valueOf(0x7F))
                .signedBy(TestCertificates.ec().getPrivate(), "SHA384withECDSA")
                .extension(Extension.subjectAlternativeName, false, new GeneralNames(names.toArray(GeneralName[]::new)))
                .der();
        Certificate c = new CertificateDecoder().decode(leaf);
        assertEquals("ecdsa, sha384", c.signatureAlgorithm());
        assertEquals("7F", c.serialNumber());
        assertEquals(151, c.allDomains().size());
        assertEquals("host0.xn--mnchen-3ya.example", c.allDomains().get(0));
        assertEquals("xn--mnchen-3ya.example", c.allDomains().get(150), "CN comes after the SANs, as in certstream-server-go");
        assertEquals("/CN=xn--mnchen-3ya.example", c.subject().aggregated());
        assertNull(c.subject().c());
        assertFalse(c.extensions().containsKey("basicConstraints"), "absent extensions are absent, not empty");
    }

    @Test
    void noCommonNameMeansNullAndOnlySansAsDomains() {
        byte[] leaf = new TestCertificates.Builder("O=No CN Org").issuer(ROOT)
                .extension(Extension.subjectAlternativeName, false,
                        new GeneralNames(new GeneralName(GeneralName.dNSName, "only.example")))
                .der();
        Certificate c = new CertificateDecoder().decode(leaf);
        assertNull(c.subject().cn());
        assertEquals("/O=No CN Org", c.subject().aggregated());
        assertEquals(List.of("only.example"), c.allDomains());
        assertEquals("DNS:only.example", c.extensions().get("subjectAltName"));
    }

    @Test
    void chainCertificatesComeFromTheCache() {
        CertificateDecoder certificates = new CertificateDecoder(16);
        LogEntryDecoder cached = new LogEntryDecoder(certificates);
        byte[] root = root();
        byte[] extra = CtEntryBytes.x509ExtraData(List.of(root));
        CertificateUpdate a = cached.decode(new RawEntry(1, CtEntryBytes.x509LeafInput(1, richLeaf().der()), extra), SOURCE, "l", 1);
        CertificateUpdate b = cached.decode(new RawEntry(2, CtEntryBytes.x509LeafInput(2, richLeaf().serial(BigInteger.TEN).der()), extra),
                SOURCE, "l", 2);
        assertSame(a.chain().get(0), b.chain().get(0));
        assertEquals(1, certificates.cachedCount(), "leaves are not cached");
    }

    @Test
    void cacheStaysWithinItsBound() {
        CertificateDecoder certificates = new CertificateDecoder(3);
        for (int i = 0; i < 10; i++) {
            certificates.decodeCached(new TestCertificates.Builder("CN=CA " + i).serial(BigInteger.valueOf(i)).der());
        }
        assertEquals(3, certificates.cachedCount());
    }

    @Test
    void decodesTheSameEntriesIdenticallyFromManyThreads() throws Exception {
        byte[] root = root();
        List<RawEntry> entries = new ArrayList<>();
        for (int i = 0; i < 40; i++) {
            entries.add(new RawEntry(i, CtEntryBytes.x509LeafInput(i, richLeaf().serial(BigInteger.valueOf(1000 + i)).der()),
                    CtEntryBytes.x509ExtraData(List.of(root))));
        }
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try {
            List<Future<List<String>>> results = new ArrayList<>();
            for (int t = 0; t < 4; t++) {
                results.add(pool.submit(() -> entries.stream()
                        .map(e -> decoder.decode(e, SOURCE, "l", 0))
                        .map(u -> u.leaf().serialNumber() + u.leaf().sha256() + u.chain().get(0).sha256()).toList()));
            }
            List<String> first = results.get(0).get();
            for (Future<List<String>> r : results) {
                assertEquals(first, r.get());
            }
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void everyTruncationOfAnEntryIsMalformed() {
        byte[] root = root();
        byte[] leaf = richLeaf().der();
        byte[] x509Leaf = CtEntryBytes.x509LeafInput(LOG_TIMESTAMP, leaf);
        byte[] x509Extra = CtEntryBytes.x509ExtraData(List.of(root));
        byte[] preLeaf = CtEntryBytes.precertLeafInput(LOG_TIMESTAMP, new byte[32], new byte[] {0x30, 0x00});
        byte[] preExtra = CtEntryBytes.precertExtraData(richLeaf().poison().der(), List.of(root));
        for (int n = 0; n < x509Leaf.length; n++) {
            assertMalformed(Arrays.copyOf(x509Leaf, n), x509Extra);
        }
        for (int n = 0; n < x509Extra.length; n++) {
            assertMalformed(x509Leaf, Arrays.copyOf(x509Extra, n));
        }
        for (int n = 0; n < preLeaf.length; n++) {
            assertMalformed(Arrays.copyOf(preLeaf, n), preExtra);
        }
        for (int n = 0; n < preExtra.length; n++) {
            assertMalformed(preLeaf, Arrays.copyOf(preExtra, n));
        }
    }

    @Test
    void garbageIsMalformedAndTheMessageNamesTheEntry() {
        Random random = new Random(6962);
        byte[] validExtra = CtEntryBytes.x509ExtraData(List.of());
        for (int i = 0; i < 3000; i++) {
            byte[] garbage = new byte[random.nextInt(200)];
            random.nextBytes(garbage);
            if (i % 3 == 0 && garbage.length > 12) {
                garbage[0] = 0; // a valid header so the body parsing is exercised too
                garbage[1] = 0;
                garbage[10] = 0;
                garbage[11] = (byte) (i % 2);
            }
            assertMalformed(garbage, validExtra);
            assertMalformed(CtEntryBytes.x509LeafInput(1, richLeafDer()), garbage);
        }
        byte[] notACert = "definitely not DER".getBytes();
        MalformedEntryException e = assertThrows(MalformedEntryException.class,
                () -> decoder.decode(new RawEntry(77, CtEntryBytes.x509LeafInput(1, notACert), validExtra), SOURCE, "l", 0));
        assertTrue(e.getMessage().startsWith("entry 77 of https://ct.example/alpha: leaf certificate: "), e.getMessage());

        byte[] unknownType = CtEntryBytes.x509LeafInput(1, notACert);
        unknownType[11] = 2;
        e = assertThrows(MalformedEntryException.class,
                () -> decoder.decode(new RawEntry(78, unknownType, validExtra), SOURCE, "l", 0));
        assertTrue(e.getMessage().contains("entry 78") && e.getMessage().contains("entry_type 2"), e.getMessage());

        byte[] trailing = Arrays.copyOf(CtEntryBytes.x509LeafInput(1, richLeafDer()), CtEntryBytes.x509LeafInput(1, richLeafDer()).length + 1);
        e = assertThrows(MalformedEntryException.class,
                () -> decoder.decode(new RawEntry(79, trailing, validExtra), SOURCE, "l", 0));
        assertTrue(e.getMessage().contains("trailing"), e.getMessage());
    }

    @Test
    void deeplyNestedDerIsMalformedNotAStackOverflow() {
        byte[] nested = new byte[2_000_000];
        for (int i = 0; i < nested.length; i += 2) {
            nested[i] = 0x30;
            nested[i + 1] = (byte) 0x80; // indefinite length, never closed
        }
        assertMalformed(CtEntryBytes.x509LeafInput(1, nested), CtEntryBytes.x509ExtraData(List.of()));
        assertThrows(MalformedEntryException.class, () -> new CertificateDecoder().decode(nested));
    }

    private static byte[] richLeafDerCache;

    private static synchronized byte[] richLeafDer() {
        if (richLeafDerCache == null) {
            richLeafDerCache = richLeaf().der();
        }
        return richLeafDerCache;
    }

    private void assertMalformed(byte[] leafInput, byte[] extraData) {
        try {
            decoder.decode(new RawEntry(9, leafInput, extraData), SOURCE, "l", 0);
        } catch (MalformedEntryException expected) {
            assertTrue(expected.getMessage().startsWith("entry 9 of https://ct.example/alpha"), expected.getMessage());
            return;
        } catch (RuntimeException other) {
            throw new AssertionError("expected MalformedEntryException for leaf_input " + HexFormat.of().formatHex(leafInput)
                    + " extra_data " + HexFormat.of().formatHex(extraData) + ", got " + other, other);
        }
        // Random bytes can, very rarely, form a valid entry; only a valid certificate would get here.
    }

    static String colonHex(String algorithm, byte[] der) throws Exception {
        return HexFormat.ofDelimiter(":").withUpperCase().formatHex(MessageDigest.getInstance(algorithm).digest(der));
    }
}
