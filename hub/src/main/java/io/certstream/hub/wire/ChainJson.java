package io.certstream.hub.wire;

import io.certstream.model.Certificate;

import java.util.concurrent.ConcurrentHashMap;

/**
 * The full-stream JSON of chain certificates, serialized once per certificate instead of once per message: CT
 * chains repeat a few hundred intermediates and roots, and with base64 DER they are most of a full message's bytes.
 * Keyed by SHA-256 fingerprint. Bounded: when full it starts over, which costs one re-serialization per
 * certificate still in use and needs no lock or eviction order on the hot path.
 */
final class ChainJson {
    /**
     * Chain certificates in use at a time number a few hundred across all logs; 1,024 leave room and bound the heap
     * (each costs a DER and its rendering) to a few MiB of the small heap of config/jvm.options. When full it starts
     * over, which costs a re-rendering per certificate still in use.
     */
    static final int DEFAULT_CAPACITY = 1024;

    private final int capacity;
    private final ConcurrentHashMap<String, byte[]> bySha256 = new ConcurrentHashMap<>();

    ChainJson(int capacity) {
        this.capacity = capacity;
    }

    byte[] json(Certificate certificate) {
        byte[] json = bySha256.get(certificate.sha256());
        if (json == null) {
            json = WireFormat.chainCertificate(certificate);
            if (bySha256.size() >= capacity) {
                bySha256.clear();
            }
            bySha256.put(certificate.sha256(), json);
        }
        return json;
    }

    int size() {
        return bySha256.size();
    }
}
