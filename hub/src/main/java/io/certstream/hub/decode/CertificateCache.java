package io.certstream.hub.decode;

import java.nio.ByteBuffer;
import java.util.LinkedHashMap;
import java.util.Map;

import io.certstream.model.Certificate;

/**
 * A small LRU of decoded certificates keyed by the SHA-256 of their DER. Chains repeat the same
 * few intermediates and roots in almost every entry, so this saves most of the decoding work.
 * The lock is held only for a map lookup or insert, never while decoding, so two threads may
 * decode the same certificate once each; that is cheaper than holding the lock across a decode.
 */
final class CertificateCache {
    private final Map<ByteBuffer, Certificate> entries;

    CertificateCache(int capacity) {
        if (capacity < 1) {
            throw new IllegalArgumentException("certificate cache capacity must be at least 1, got " + capacity);
        }
        this.entries = new LinkedHashMap<>(capacity * 4 / 3 + 1, 0.75f, true) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<ByteBuffer, Certificate> eldest) {
                return size() > capacity;
            }
        };
    }

    Certificate get(byte[] sha256) {
        synchronized (entries) {
            return entries.get(ByteBuffer.wrap(sha256));
        }
    }

    void put(byte[] sha256, Certificate certificate) {
        synchronized (entries) {
            entries.put(ByteBuffer.wrap(sha256), certificate);
        }
    }

    int size() {
        synchronized (entries) {
            return entries.size();
        }
    }
}
