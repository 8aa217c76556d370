package io.certstream.hub.config;

import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;
import org.bouncycastle.openssl.PEMKeyPair;
import org.bouncycastle.openssl.PEMParser;
import org.bouncycastle.openssl.jcajce.JcaPEMKeyConverter;

import java.io.IOException;
import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.Signature;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;

/**
 * Checks a TLS certificate chain and private key (PEM) before the hub uses them, so that a bad file is an error that
 * names it, at start-up and when a renewed file is picked up, instead of a handshake failure for every client.
 */
public final class PemFiles {
    /** Not registered globally: only this check uses it (a SEC1 "EC PRIVATE KEY" needs it to become a Java key). */
    private static final java.security.Provider BC = new org.bouncycastle.jce.provider.BouncyCastleProvider();

    private PemFiles() {
    }

    /**
     * @param certKey the configuration key naming the certificate file, for the message
     * @throws ConfigException naming the key, the file and what is wrong with it
     */
    public static void check(Path certFile, Path keyFile, String certKey, String keyKey) {
        List<X509Certificate> chain = certificates(certFile, certKey);
        PrivateKey key = privateKey(keyFile, keyKey);
        if (!matches(key, chain.get(0).getPublicKey())) {
            throw new ConfigException(keyKey + ": " + keyFile + " is not the private key of the first certificate in "
                    + certFile + " (" + chain.get(0).getSubjectX500Principal() + ")");
        }
    }

    static List<X509Certificate> certificates(Path file, String key) {
        byte[] bytes = read(file, key);
        try {
            Collection<? extends java.security.cert.Certificate> certs = CertificateFactory.getInstance("X.509")
                    .generateCertificates(new java.io.ByteArrayInputStream(bytes));
            List<X509Certificate> out = new ArrayList<>();
            certs.forEach(c -> out.add((X509Certificate) c));
            if (out.isEmpty()) {
                throw new CertificateException("no certificate found");
            }
            return out;
        } catch (CertificateException | RuntimeException e) {
            throw new ConfigException(key + ": " + file + " is not a PEM certificate chain (-----BEGIN CERTIFICATE-----,"
                    + " the server's certificate first): " + e.getMessage());
        }
    }

    static PrivateKey privateKey(Path file, String key) {
        byte[] bytes = read(file, key);
        try (Reader reader = new java.io.StringReader(new String(bytes, java.nio.charset.StandardCharsets.US_ASCII));
             PEMParser parser = new PEMParser(reader)) {
            Object object = parser.readObject();
            JcaPEMKeyConverter converter = new JcaPEMKeyConverter().setProvider(BC);
            if (object instanceof PEMKeyPair pair) {
                return converter.getPrivateKey(pair.getPrivateKeyInfo());
            }
            if (object instanceof PrivateKeyInfo info) {
                return converter.getPrivateKey(info);
            }
            throw new IOException(object == null ? "no PEM object found"
                    : "found " + object.getClass().getSimpleName() + " instead of an unencrypted private key");
        } catch (IOException | RuntimeException e) {
            throw new ConfigException(key + ": " + file + " is not an unencrypted PEM private key (PKCS#8 \"BEGIN PRIVATE KEY\""
                    + " or \"BEGIN RSA/EC PRIVATE KEY\"): " + e.getMessage());
        }
    }

    private static byte[] read(Path file, String key) {
        try {
            return Files.readAllBytes(file);
        } catch (IOException e) {
            throw new ConfigException(key + ": cannot read " + file + " (" + e.getClass().getSimpleName() + ": "
                    + e.getMessage() + ")");
        }
    }

    /** Signs a few bytes with the key and verifies with the certificate's public key. */
    private static boolean matches(PrivateKey key, PublicKey certificateKey) {
        String algorithm = switch (key.getAlgorithm()) {
            case "RSA" -> "SHA256withRSA";
            case "EC", "ECDSA" -> "SHA256withECDSA";
            case "Ed25519", "EdDSA" -> "Ed25519";
            default -> null;
        };
        if (algorithm == null) {
            return true; // an algorithm this check does not know: the TLS stack will say
        }
        try {
            byte[] probe = "certstream".getBytes(java.nio.charset.StandardCharsets.US_ASCII);
            Signature signer = Signature.getInstance(algorithm, BC);
            signer.initSign(key);
            signer.update(probe);
            byte[] signature = signer.sign();
            Signature verifier = Signature.getInstance(algorithm, BC);
            verifier.initVerify(certificateKey);
            verifier.update(probe);
            return verifier.verify(signature);
        } catch (java.security.GeneralSecurityException e) {
            return false;
        }
    }
}
