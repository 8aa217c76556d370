package io.certstream.hub.decode;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;

import io.certstream.model.Certificate;

/**
 * A small LRU of decoded certificates keyed by their DER. Chains repeat the same few intermediates and roots in
 * almost every entry, so this saves most of the decoding work. The key hashes only the DER's length and last
 * bytes (the signature value, which differs between any two certificates) and compares the whole DER on a hit:
 * hashing every chain certificate with SHA-256 just to look it up cost more than the rest of the lookup.
 * The lock is held only for a map lookup or insert, never while decoding, so two threads may decode the same
 * certificate once each; that is cheaper than holding the lock across a decode.
 */
final class CertificateCache {
    private static final int HASHED_TAIL = 64;

    private final Map<DerKey, Certificate> entries;

    CertificateCache(int capacity) {
        if (capacity < 1) {
            throw new IllegalArgumentException("certificate cache capacity must be at least 1, got " + capacity);
        }
        this.entries = new LinkedHashMap<>(capacity * 4 / 3 + 1, 0.75f, true) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<DerKey, Certificate> eldest) {
                return size() > capacity;
            }
        };
    }

    Certificate get(byte[] der) {
        DerKey key = new DerKey(der);
        synchronized (entries) {
            return entries.get(key);
        }
    }

    void put(byte[] der, Certificate certificate) {
        DerKey key = new DerKey(der);
        synchronized (entries) {
            entries.put(key, certificate);
        }
    }

    int size() {
        synchronized (entries) {
            return entries.size();
        }
    }

    private static final class DerKey {
        private final byte[] der;
        private final int hash;

        DerKey(byte[] der) {
            this.der = der;
            int h = der.length;
            for (int i = Math.max(0, der.length - HASHED_TAIL); i < der.length; i++) {
                h = 31 * h + der[i];
            }
            this.hash = h;
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof DerKey k && k.hash == hash && Arrays.equals(k.der, der);
        }

        @Override
        public int hashCode() {
            return hash;
        }
    }
}
