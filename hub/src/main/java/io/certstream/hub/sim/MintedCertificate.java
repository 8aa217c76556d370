package io.certstream.hub.sim;

import java.util.List;

/**
 * A certificate the {@link CertificateMint} issued.
 *
 * @param der           the certificate's DER (a precertificate carries the poison extension)
 * @param precert       whether it is a precertificate
 * @param chainDer      its issuers, nearest first, root last
 * @param issuerSpkiDer the issuer's SubjectPublicKeyInfo, which precert entries hash into issuer_key_hash
 * @param domains       CN and DNS SANs, deduplicated, order kept, CN first
 */
public record MintedCertificate(byte[] der, boolean precert, List<byte[]> chainDer, byte[] issuerSpkiDer,
                                List<String> domains) {

    public MintedCertificate {
        chainDer = List.copyOf(chainDer);
        domains = List.copyOf(domains);
    }
}
