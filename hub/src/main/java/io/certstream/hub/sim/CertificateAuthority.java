package io.certstream.hub.sim;

import java.security.KeyPair;
import java.util.List;

/**
 * A simulated CA that issues leaves.
 *
 * @param name     the CA's subject, as an X.500 string
 * @param keyPair  its key
 * @param chainDer its own certificate first, then its issuers up to and including the root
 */
record CertificateAuthority(String name, KeyPair keyPair, List<byte[]> chainDer) {

    CertificateAuthority {
        chainDer = List.copyOf(chainDer);
    }

    byte[] certificateDer() {
        return chainDer.get(0);
    }

    String signatureAlgorithm() {
        return CertificateMint.signatureAlgorithmFor(keyPair.getPrivate());
    }
}
