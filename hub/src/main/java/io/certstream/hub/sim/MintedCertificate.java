package io.certstream.hub.sim;

import java.util.List;

/**
 * A certificate the {@link CertificateMint} issued.
 *
 * @param der           the certificate's DER (a precertificate carries the poison extension)
 * @param precert       whether it is a precertificate
 * @param chainDer      its issuers, nearest first, root last
 * @param issuerSpkiDer the issuer's SubjectPublicKeyInfo, which precert entries hash into issuer_key_hash
 * @param domains       DNS SANs in certificate order, then the CN unless already listed (the hub's {@code all_domains})
 */
public record MintedCertificate(byte[] der, boolean precert, List<byte[]> chainDer, byte[] issuerSpkiDer,
                                List<String> domains) {

    public MintedCertificate {
        chainDer = List.copyOf(chainDer);
        domains = List.copyOf(domains);
    }
}
