package io.certstream.hub.sim;

import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.spec.ECGenParameterSpec;
import java.util.ArrayList;
import java.util.List;

/**
 * Key pairs the simulated CAs and leaves reuse. RSA key generation takes up to a second per key,
 * so the keys are made once per JVM and shared by every simulated log; certificates differ anyway.
 */
final class KeyPool {

    private static final int LEAF_KEYS_PER_TYPE = 3;
    private static KeyPool shared;

    final KeyPair rsaRoot;
    final KeyPair rsaIntermediate;
    final KeyPair ecRoot;
    final KeyPair ecIntermediate;
    final KeyPair ecSubordinate;
    final List<KeyPair> rsaLeaves;
    final List<KeyPair> ecLeaves;

    private KeyPool() throws GeneralSecurityException {
        rsaRoot = rsa();
        rsaIntermediate = rsa();
        ecRoot = ec();
        ecIntermediate = ec();
        ecSubordinate = ec();
        List<KeyPair> rsa = new ArrayList<>();
        List<KeyPair> ec = new ArrayList<>();
        for (int i = 0; i < LEAF_KEYS_PER_TYPE; i++) {
            rsa.add(rsa());
            ec.add(ec());
        }
        rsaLeaves = List.copyOf(rsa);
        ecLeaves = List.copyOf(ec);
    }

    /** The JVM-wide pool; the first call is slow (seconds), so never call it on an event loop. */
    static synchronized KeyPool shared() {
        if (shared == null) {
            try {
                shared = new KeyPool();
            } catch (GeneralSecurityException e) {
                throw new IllegalStateException("cannot generate RSA-2048 / EC P-256 keys for the simulated CAs", e);
            }
        }
        return shared;
    }

    static KeyPair ec() throws GeneralSecurityException {
        KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
        generator.initialize(new ECGenParameterSpec("secp256r1"));
        return generator.generateKeyPair();
    }

    private static KeyPair rsa() throws GeneralSecurityException {
        KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
        generator.initialize(2048);
        return generator.generateKeyPair();
    }
}
