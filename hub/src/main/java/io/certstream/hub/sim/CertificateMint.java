package io.certstream.hub.sim;

import org.bouncycastle.asn1.ASN1Encodable;
import org.bouncycastle.asn1.ASN1EncodableVector;
import org.bouncycastle.asn1.ASN1Encoding;
import org.bouncycastle.asn1.ASN1ObjectIdentifier;
import org.bouncycastle.asn1.ASN1Sequence;
import org.bouncycastle.asn1.ASN1TaggedObject;
import org.bouncycastle.asn1.DERNull;
import org.bouncycastle.asn1.DERSequence;
import org.bouncycastle.asn1.DERTaggedObject;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x500.X500NameBuilder;
import org.bouncycastle.asn1.x500.style.BCStyle;
import org.bouncycastle.asn1.x509.AccessDescription;
import org.bouncycastle.asn1.x509.AuthorityInformationAccess;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.CertificatePolicies;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.Extensions;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.asn1.x509.PolicyInformation;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509ExtensionUtils;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

import java.io.IOException;
import java.math.BigInteger;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.interfaces.RSAKey;
import java.util.ArrayList;
import java.util.Date;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.TimeUnit;

/**
 * Issues realistic-looking certificates and precertificates from a simulated CA hierarchy:
 * an RSA root and intermediate, an ECDSA P-256 root and intermediate, and an ECDSA CA under the
 * RSA intermediate (so chains hold 2 or 3 certificates).
 *
 * <p>Everything drawn from the {@link Random} handed to {@link #issue} (names, serials, subject
 * attributes, extensions, key choice) is reproducible; keys and signatures are not.
 * Creating a mint and issuing are CPU work: call them on a worker thread, never on an event loop.
 */
public final class CertificateMint {

    /** The CT poison extension (RFC 6962 section 3.1), critical with an ASN.1 NULL value. */
    public static final ASN1ObjectIdentifier CT_POISON = new ASN1ObjectIdentifier("1.3.6.1.4.1.11129.2.4.3");

    private static final ASN1ObjectIdentifier DOMAIN_VALIDATED = new ASN1ObjectIdentifier("2.23.140.1.2.1");
    private static final ASN1ObjectIdentifier ORGANIZATION_VALIDATED = new ASN1ObjectIdentifier("2.23.140.1.2.2");
    private static final long DAY = TimeUnit.DAYS.toMillis(1);
    private static final String[][] ORGANIZATIONS = {
        {"US", "California", "San Francisco", "Example Widgets Inc."},
        {"DE", "Bayern", "München", "Beispiel GmbH"},
        {"FR", "Île-de-France", "Paris", "Exemple SARL"},
        {"JP", "Tokyo", "Chiyoda", "例示株式会社"},
        {"GB", "England", "London", "Sample Holdings Ltd"},
    };
    private static final String[] UNITS = {"IT", "Web Operations", "Platform Security", "Marketing"};

    private final KeyPool keys;
    private final JcaX509ExtensionUtils extensionUtils;
    private final List<CertificateAuthority> issuers;
    private final List<byte[]> roots;

    private CertificateMint(KeyPool keys, long notBefore) throws GeneralSecurityException, IOException, OperatorCreationException {
        this.keys = keys;
        this.extensionUtils = new JcaX509ExtensionUtils();
        CertificateAuthority rsaRoot = selfSignedRoot("CN=CertStream Sim RSA Root R1,O=CertStream Simulation,C=ZZ", keys.rsaRoot, notBefore);
        CertificateAuthority ecRoot = selfSignedRoot("CN=CertStream Sim ECC Root E1,O=CertStream Simulation,C=ZZ", keys.ecRoot, notBefore);
        CertificateAuthority rsaIntermediate = subordinate(rsaRoot, "CN=CertStream Sim RSA CA R3,O=CertStream Simulation,C=ZZ",
                keys.rsaIntermediate, 1, notBefore);
        CertificateAuthority ecIntermediate = subordinate(ecRoot, "CN=CertStream Sim ECC CA E5,O=CertStream Simulation,C=ZZ",
                keys.ecIntermediate, 0, notBefore);
        CertificateAuthority ecUnderRsa = subordinate(rsaIntermediate, "CN=CertStream Sim ECC Issuing CA E7,O=CertStream Simulation,C=ZZ",
                keys.ecSubordinate, 0, notBefore);
        this.issuers = List.of(rsaIntermediate, ecIntermediate, ecUnderRsa);
        this.roots = List.of(rsaRoot.certificateDer(), ecRoot.certificateDer());
    }

    /** Builds the CA hierarchy (slow the first time in a JVM: it generates the shared keys). */
    public static CertificateMint create() {
        try {
            return new CertificateMint(KeyPool.shared(), System.currentTimeMillis() - 365 * DAY);
        } catch (GeneralSecurityException | IOException | OperatorCreationException e) {
            throw new IllegalStateException("cannot build the simulated CA hierarchy: " + e.getMessage(), e);
        }
    }

    /** The DER of the two root certificates, as {@code get-roots} serves them. */
    public List<byte[]> roots() {
        return roots;
    }

    /**
     * Issues one certificate valid from about {@code timestamp}.
     *
     * @param random  drives every choice, so the same seed gives the same names and serial
     * @param precert whether to issue a precertificate (with the critical poison extension)
     */
    public MintedCertificate issue(Random random, long timestamp, boolean precert) {
        CertificateAuthority issuer = issuers.get(random.nextInt(issuers.size()));
        boolean rsaLeaf = random.nextInt(10) < 3;
        List<KeyPair> pool = rsaLeaf ? keys.rsaLeaves : keys.ecLeaves;
        KeyPair leafKey = pool.get(random.nextInt(pool.size()));

        List<String> dnsNames = DomainNames.sanNames(random);
        boolean hasCommonName = random.nextInt(4) != 0;
        String commonName = hasCommonName ? dnsNames.get(random.nextInt(Math.min(3, dnsNames.size()))) : null;
        String[] organization = random.nextInt(10) < 3 ? ORGANIZATIONS[random.nextInt(ORGANIZATIONS.length)] : null;
        String unit = organization != null && random.nextBoolean() ? UNITS[random.nextInt(UNITS.length)] : null;
        List<String> ipAddresses = random.nextInt(20) == 0 ? ipAddresses(random) : List.of();
        byte[] serial = new byte[16];
        random.nextBytes(serial);
        serial[0] &= 0x7f; // positive and, with the next line, exactly 16 bytes long like most CAs' serials
        serial[0] |= 0x01;
        int validityDays = random.nextBoolean() ? 90 : 1 + random.nextInt(397);

        try {
            X500Name subject = leafSubject(commonName, organization, unit);
            Date notBefore = new Date(timestamp - random.nextInt(3_600_000));
            Date notAfter = new Date(notBefore.getTime() + validityDays * DAY);
            X509v3CertificateBuilder builder = new JcaX509v3CertificateBuilder(
                    new X500Name(issuer.name()), new BigInteger(serial), notBefore, notAfter, subject, leafKey.getPublic());
            int usage = KeyUsage.digitalSignature | (rsaLeaf ? KeyUsage.keyEncipherment : 0);
            builder.addExtension(Extension.keyUsage, true, new KeyUsage(usage));
            builder.addExtension(Extension.extendedKeyUsage, false, random.nextInt(3) == 0
                    ? new ExtendedKeyUsage(KeyPurposeId.id_kp_serverAuth)
                    : new ExtendedKeyUsage(new KeyPurposeId[] {KeyPurposeId.id_kp_serverAuth, KeyPurposeId.id_kp_clientAuth}));
            builder.addExtension(Extension.basicConstraints, true, new BasicConstraints(false));
            builder.addExtension(Extension.subjectKeyIdentifier, false, extensionUtils.createSubjectKeyIdentifier(leafKey.getPublic()));
            builder.addExtension(Extension.authorityKeyIdentifier, false,
                    extensionUtils.createAuthorityKeyIdentifier(issuer.keyPair().getPublic()));
            builder.addExtension(Extension.authorityInfoAccess, false, authorityInfoAccess(issuer));
            builder.addExtension(Extension.certificatePolicies, false, new CertificatePolicies(
                    new PolicyInformation(organization != null ? ORGANIZATION_VALIDATED : DOMAIN_VALIDATED)));
            // Without a subject the SAN extension must be critical (RFC 5280 4.2.1.6).
            builder.addExtension(Extension.subjectAlternativeName, subject.getRDNs().length == 0,
                    subjectAlternativeNames(dnsNames, ipAddresses));
            if (precert) {
                builder.addExtension(CT_POISON, true, DERNull.INSTANCE);
            }
            byte[] der = builder.build(new JcaContentSignerBuilder(issuer.signatureAlgorithm())
                    .build(issuer.keyPair().getPrivate())).getEncoded();
            return new MintedCertificate(der, precert, issuer.chainDer(), issuer.keyPair().getPublic().getEncoded(),
                    domains(commonName, dnsNames));
        } catch (IOException | OperatorCreationException e) {
            throw new IllegalStateException("cannot issue a certificate for " + dnsNames.get(0) + " from "
                    + issuer.name() + ": " + e.getMessage(), e);
        }
    }

    /**
     * The TBSCertificate of a precertificate with the poison extension removed: what an RFC 6962
     * {@code precert_entry} logs.
     */
    public static byte[] tbsWithoutPoison(byte[] precertificateDer) {
        try {
            ASN1Sequence certificate = ASN1Sequence.getInstance(precertificateDer);
            ASN1Sequence tbs = ASN1Sequence.getInstance(certificate.getObjectAt(0));
            ASN1EncodableVector rebuilt = new ASN1EncodableVector();
            for (ASN1Encodable field : tbs) {
                if (field instanceof ASN1TaggedObject tagged && tagged.getTagNo() == 3) {
                    List<Extension> kept = new ArrayList<>();
                    Extensions extensions = Extensions.getInstance(tagged, true);
                    for (ASN1ObjectIdentifier oid : extensions.getExtensionOIDs()) {
                        if (!oid.equals(CT_POISON)) {
                            kept.add(extensions.getExtension(oid));
                        }
                    }
                    rebuilt.add(new DERTaggedObject(true, 3, new Extensions(kept.toArray(new Extension[0]))));
                } else {
                    rebuilt.add(field);
                }
            }
            return new DERSequence(rebuilt).getEncoded(ASN1Encoding.DER);
        } catch (IOException | RuntimeException e) {
            throw new IllegalArgumentException("cannot remove the CT poison from a precertificate: " + e.getMessage(), e);
        }
    }

    static String signatureAlgorithmFor(PrivateKey key) {
        return key instanceof RSAKey ? "SHA256withRSA" : "SHA256withECDSA";
    }

    private CertificateAuthority selfSignedRoot(String name, KeyPair key, long notBefore)
            throws IOException, OperatorCreationException, GeneralSecurityException {
        byte[] der = caCertificate(name, key.getPublic(), name, key, null, notBefore, 25 * 365 * DAY);
        return new CertificateAuthority(name, key, List.of(der));
    }

    private CertificateAuthority subordinate(CertificateAuthority parent, String name, KeyPair key, int pathLength, long notBefore)
            throws IOException, OperatorCreationException, GeneralSecurityException {
        byte[] der = caCertificate(name, key.getPublic(), parent.name(), parent.keyPair(), pathLength, notBefore, 8 * 365 * DAY);
        List<byte[]> chain = new ArrayList<>();
        chain.add(der);
        chain.addAll(parent.chainDer());
        return new CertificateAuthority(name, key, chain);
    }

    private byte[] caCertificate(String subject, PublicKey subjectKey, String issuerName, KeyPair issuerKey,
                                 Integer pathLength, long notBefore, long lifetime)
            throws IOException, OperatorCreationException, GeneralSecurityException {
        X509v3CertificateBuilder builder = new JcaX509v3CertificateBuilder(new X500Name(issuerName),
                BigInteger.valueOf(subject.hashCode() & 0x7fffffffL).shiftLeft(32).add(BigInteger.valueOf(notBefore & 0xffffffffL)),
                new Date(notBefore), new Date(notBefore + lifetime), new X500Name(subject), subjectKey);
        builder.addExtension(Extension.basicConstraints, true,
                pathLength == null ? new BasicConstraints(true) : new BasicConstraints(pathLength));
        builder.addExtension(Extension.keyUsage, true,
                new KeyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign | KeyUsage.digitalSignature));
        builder.addExtension(Extension.subjectKeyIdentifier, false, extensionUtils.createSubjectKeyIdentifier(subjectKey));
        if (pathLength != null) {
            builder.addExtension(Extension.authorityKeyIdentifier, false,
                    extensionUtils.createAuthorityKeyIdentifier(issuerKey.getPublic()));
        }
        return builder.build(new JcaContentSignerBuilder(signatureAlgorithmFor(issuerKey.getPrivate()))
                .build(issuerKey.getPrivate())).getEncoded();
    }

    private static X500Name leafSubject(String commonName, String[] organization, String unit) {
        X500NameBuilder name = new X500NameBuilder(BCStyle.INSTANCE);
        if (organization != null) {
            name.addRDN(BCStyle.C, organization[0]);
            name.addRDN(BCStyle.ST, organization[1]);
            name.addRDN(BCStyle.L, organization[2]);
            name.addRDN(BCStyle.O, organization[3]);
            if (unit != null) {
                name.addRDN(BCStyle.OU, unit);
            }
        }
        if (commonName != null) {
            name.addRDN(BCStyle.CN, commonName);
        }
        return name.build();
    }

    private static AuthorityInformationAccess authorityInfoAccess(CertificateAuthority issuer) {
        String slug = Integer.toHexString(issuer.name().hashCode());
        return new AuthorityInformationAccess(new AccessDescription[] {
            new AccessDescription(AccessDescription.id_ad_ocsp,
                    new GeneralName(GeneralName.uniformResourceIdentifier, "http://ocsp.sim.certstream.invalid/" + slug)),
            new AccessDescription(AccessDescription.id_ad_caIssuers,
                    new GeneralName(GeneralName.uniformResourceIdentifier, "http://ca.sim.certstream.invalid/" + slug + ".der")),
        });
    }

    private static GeneralNames subjectAlternativeNames(List<String> dnsNames, List<String> ipAddresses) {
        List<GeneralName> names = new ArrayList<>();
        for (String dns : dnsNames) {
            names.add(new GeneralName(GeneralName.dNSName, dns));
        }
        for (String ip : ipAddresses) {
            names.add(new GeneralName(GeneralName.iPAddress, ip));
        }
        return new GeneralNames(names.toArray(new GeneralName[0]));
    }

    private static List<String> ipAddresses(Random random) {
        List<String> addresses = new ArrayList<>();
        addresses.add("10." + random.nextInt(256) + "." + random.nextInt(256) + "." + (1 + random.nextInt(254)));
        if (random.nextBoolean()) {
            addresses.add("2001:db8::" + Integer.toHexString(1 + random.nextInt(0xfffe)));
        }
        return addresses;
    }

    /** The hub's {@code all_domains} rule (certstream-server-go): DNS SANs in order, then the CN if not listed. */
    private static List<String> domains(String commonName, List<String> dnsNames) {
        Set<String> domains = new LinkedHashSet<>(dnsNames);
        if (commonName != null) {
            domains.add(commonName);
        }
        return List.copyOf(domains);
    }
}
