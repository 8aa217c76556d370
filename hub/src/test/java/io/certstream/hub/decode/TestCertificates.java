package io.certstream.hub.decode;

import java.math.BigInteger;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.spec.AlgorithmParameterSpec;
import java.security.spec.ECGenParameterSpec;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;

import org.bouncycastle.asn1.ASN1Encodable;
import org.bouncycastle.asn1.ASN1ObjectIdentifier;
import org.bouncycastle.asn1.DERNull;
import org.bouncycastle.asn1.DEROctetString;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.SubjectPublicKeyInfo;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/** Builds real, signed certificates with BouncyCastle for tests that must not depend on ../shared/ctdata. */
final class TestCertificates {
    static final ASN1ObjectIdentifier CT_POISON = new ASN1ObjectIdentifier("1.3.6.1.4.1.11129.2.4.3");
    static final ASN1ObjectIdentifier SCT_LIST = new ASN1ObjectIdentifier("1.3.6.1.4.1.11129.2.4.2");

    private static KeyPair rsa;
    private static KeyPair ec;

    private TestCertificates() {
    }

    static synchronized KeyPair rsa() {
        if (rsa == null) {
            rsa = generate("RSA", null);
        }
        return rsa;
    }

    static synchronized KeyPair ec() {
        if (ec == null) {
            ec = generate("EC", new ECGenParameterSpec("secp256r1"));
        }
        return ec;
    }

    /** A certificate under construction: subject, key, issuer and signer, plus extensions in order. */
    static final class Builder {
        private final X500Name subject;
        private X500Name issuer;
        private BigInteger serial = BigInteger.valueOf(1);
        private long notBefore = 1659252405L;
        private long notAfter = 1667028404L;
        private PublicKey publicKey = ec().getPublic();
        private PrivateKey signer = rsa().getPrivate();
        private String signatureAlgorithm = "SHA256withRSA";
        private final List<Object[]> extensions = new ArrayList<>();

        Builder(String subject) {
            this(new X500Name(subject));
        }

        Builder(X500Name subject) {
            this.subject = subject;
            this.issuer = subject;
        }

        Builder issuer(String name) {
            this.issuer = new X500Name(name);
            return this;
        }

        Builder serial(BigInteger serial) {
            this.serial = serial;
            return this;
        }

        Builder validity(long notBefore, long notAfter) {
            this.notBefore = notBefore;
            this.notAfter = notAfter;
            return this;
        }

        Builder key(PublicKey key) {
            this.publicKey = key;
            return this;
        }

        Builder signedBy(PrivateKey key, String algorithm) {
            this.signer = key;
            this.signatureAlgorithm = algorithm;
            return this;
        }

        Builder extension(ASN1ObjectIdentifier oid, boolean critical, ASN1Encodable value) {
            extensions.add(new Object[] {oid, critical, value});
            return this;
        }

        Builder poison() {
            return extension(CT_POISON, true, DERNull.INSTANCE);
        }

        byte[] der() {
            try {
                X509v3CertificateBuilder b = new X509v3CertificateBuilder(issuer, serial, new Date(notBefore * 1000),
                        new Date(notAfter * 1000), subject, SubjectPublicKeyInfo.getInstance(publicKey.getEncoded()));
                for (Object[] e : extensions) {
                    b.addExtension((ASN1ObjectIdentifier) e[0], (Boolean) e[1], (ASN1Encodable) e[2]);
                }
                return b.build(new JcaContentSignerBuilder(signatureAlgorithm).build(signer)).getEncoded();
            } catch (Exception e) {
                throw new IllegalStateException("building test certificate " + subject + " failed", e);
            }
        }
    }

    static DEROctetString sctList(byte[] tlsBytes) {
        return new DEROctetString(tlsBytes);
    }

    private static KeyPair generate(String algorithm, AlgorithmParameterSpec spec) {
        try {
            KeyPairGenerator g = KeyPairGenerator.getInstance(algorithm);
            if (spec != null) {
                g.initialize(spec);
            } else {
                g.initialize(2048);
            }
            return g.generateKeyPair();
        } catch (Exception e) {
            throw new IllegalStateException("generating a " + algorithm + " test key failed", e);
        }
    }
}
