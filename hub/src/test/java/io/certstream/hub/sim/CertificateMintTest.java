package io.certstream.hub.sim;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayInputStream;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

class CertificateMintTest {

    private static final int COUNT = 400;
    private static final List<X509Certificate> leaves = new ArrayList<>();
    private static final List<MintedCertificate> minted = new ArrayList<>();

    @BeforeAll
    static void issueMany() throws Exception {
        CertificateMint mint = CertificateMint.create();
        CertificateFactory factory = CertificateFactory.getInstance("X.509");
        long now = System.currentTimeMillis();
        for (int i = 0; i < COUNT; i++) {
            MintedCertificate certificate = mint.issue(new Random(i), now, i % 2 == 0);
            minted.add(certificate);
            leaves.add((X509Certificate) factory.generateCertificate(new ByteArrayInputStream(certificate.der())));
        }
    }

    @Test
    void everyLeafCarriesTheUsualServerCertificateExtensions() {
        for (X509Certificate leaf : leaves) {
            String subject = leaf.getSubjectX500Principal().getName();
            assertNotNull(leaf.getKeyUsage(), subject);
            assertTrue(leaf.getBasicConstraints() < 0, subject);
            for (String oid : List.of("2.5.29.14", "2.5.29.35", "1.3.6.1.5.5.7.1.1", "2.5.29.32", "2.5.29.37", "2.5.29.17")) {
                assertNotNull(leaf.getExtensionValue(oid), oid + " in " + subject);
            }
            assertTrue(leaf.getSerialNumber().signum() > 0);
        }
    }

    @Test
    void subjectsAndNamesVaryLikeRealLogs() throws Exception {
        int withoutCommonName = 0;
        int withOrganization = 0;
        int withIpAddress = 0;
        int withManyNames = 0;
        int idn = 0;
        int wildcard = 0;
        for (int i = 0; i < COUNT; i++) {
            X509Certificate leaf = leaves.get(i);
            String subject = leaf.getSubjectX500Principal().getName();
            withoutCommonName += subject.contains("CN=") ? 0 : 1;
            withOrganization += subject.contains("O=") ? 1 : 0;
            Collection<List<?>> names = leaf.getSubjectAlternativeNames();
            withIpAddress += names.stream().anyMatch(name -> (Integer) name.get(0) == 7) ? 1 : 0;
            long dnsNames = names.stream().filter(name -> (Integer) name.get(0) == 2).count();
            assertTrue(dnsNames >= 1 && dnsNames <= 40, "1..40 DNS names, got " + dnsNames);
            withManyNames += dnsNames > 10 ? 1 : 0;
            idn += minted.get(i).domains().stream().anyMatch(d -> d.contains("xn--")) ? 1 : 0;
            wildcard += minted.get(i).domains().stream().anyMatch(d -> d.startsWith("*.")) ? 1 : 0;
            assertEquals(subject.isEmpty(), leaf.getCriticalExtensionOIDs().contains("2.5.29.17"),
                    "SAN is critical exactly when the subject is empty: '" + subject + "'");
        }
        assertTrue(withoutCommonName > 0 && withoutCommonName < COUNT / 2, "some leaves have no CN: " + withoutCommonName);
        assertTrue(withOrganization > 0, "some leaves have O/OU/C/ST/L");
        assertTrue(withIpAddress > 0, "some leaves have IP SANs");
        assertTrue(withManyNames > 0, "some leaves have many SANs");
        assertTrue(idn > 0 && wildcard > 0, "IDN " + idn + ", wildcard " + wildcard);
    }

    @Test
    void onlyPrecertificatesArePoisonedAndTheTbsForTheLogDropsThePoison() throws Exception {
        for (int i = 0; i < COUNT; i++) {
            boolean poisoned = leaves.get(i).getCriticalExtensionOIDs().contains(CertificateMint.CT_POISON.getId());
            assertEquals(minted.get(i).precert(), poisoned, "certificate " + i);
            if (poisoned) {
                byte[] tbs = CertificateMint.tbsWithoutPoison(minted.get(i).der());
                assertFalse(contains(tbs, CertificateMint.CT_POISON.getEncoded()), "poison OID left in TBS of " + i);
            }
        }
    }

    @Test
    void sameRandomGivesTheSameNamesAndSerial() throws Exception {
        CertificateMint other = CertificateMint.create();
        CertificateFactory factory = CertificateFactory.getInstance("X.509");
        for (int i = 0; i < 20; i++) {
            MintedCertificate again = other.issue(new Random(i), System.currentTimeMillis(), i % 2 == 0);
            X509Certificate leaf = (X509Certificate) factory.generateCertificate(new ByteArrayInputStream(again.der()));
            assertEquals(minted.get(i).domains(), again.domains());
            assertEquals(leaves.get(i).getSerialNumber(), leaf.getSerialNumber());
        }
    }

    private static boolean contains(byte[] haystack, byte[] needle) {
        outer:
        for (int i = 0; i + needle.length <= haystack.length; i++) {
            for (int j = 0; j < needle.length; j++) {
                if (haystack[i + j] != needle[j]) {
                    continue outer;
                }
            }
            return true;
        }
        return false;
    }
}
