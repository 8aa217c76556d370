package io.certstream.bench.load;

import io.certstream.hub.decode.LogEntryDecoder;
import io.certstream.hub.decode.RawEntry;
import io.certstream.model.LogSource;
import org.bouncycastle.asn1.x509.Certificate;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;

/**
 * Serves any number of distinct log entries from a small pool of real ones, so that a backlog of a million
 * entries costs a copy and a few patched bytes per entry instead of minting a million certificates.
 * <p>
 * Entry {@code i} is pool entry {@code i % size} with its MerkleTreeLeaf timestamp set and the low bytes of its
 * serial number replaced by {@code i} (in the leaf certificate and, for precertificates, in the TBS too): every
 * entry has its own serial and fingerprint, so the hub cannot short-cut anything, while the chains repeat as in
 * real logs. The certificate signatures no longer verify; the hub does not verify them (neither do CertStream
 * servers: CT logs did).
 */
final class EntryPool {
    private static final int TIMESTAMP_OFFSET = 2; // MerkleTreeLeaf: version(1), leaf_type(1), timestamp(8)

    private final Template[] templates;

    private record Template(byte[] leafInput, byte[] extraData, int[] leafSerialEnds, int[] extraSerialEnds,
                            int patchLength, byte[] extraBase64, List<String> domains) {
    }

    private EntryPool(Template[] templates) {
        this.templates = templates;
    }

    /** A pool of the given entries; each needs its leaf certificate's DER to find the serial. */
    static EntryPool of(List<RawEntry> entries, List<byte[]> leafDers) {
        if (entries.isEmpty()) {
            throw new IllegalArgumentException("the entry pool is empty");
        }
        List<Template> templates = new ArrayList<>(entries.size());
        LogEntryDecoder decoder = new LogEntryDecoder();
        LogSource source = new LogSource("pool", "https://pool.example", null, LogSource.RFC6962);
        for (int i = 0; i < entries.size(); i++) {
            RawEntry e = entries.get(i);
            byte[] serialTlv;
            try {
                serialTlv = Certificate.getInstance(leafDers.get(i)).getSerialNumber().getEncoded();
            } catch (Exception ex) {
                throw new IllegalArgumentException("pool entry " + i + ": cannot read the leaf's serial number", ex);
            }
            int patch = Math.min(8, serialTlv.length - 3); // keep the tag, length and first (sign) byte
            if (patch < 2) {
                continue; // a one-byte serial cannot carry an index; leave such (rare, real) entries out
            }
            int[] leafEnds = find(e.leafInput(), serialTlv);
            int[] extraEnds = find(e.extraData(), serialTlv);
            if (leafEnds.length + extraEnds.length == 0) {
                throw new IllegalArgumentException("pool entry " + i + ": serial number not found in the entry");
            }
            // The serial patch leaves the names alone: entry i has the domains of its template, as the hub decodes them.
            List<String> domains = decoder.decode(e, source, "", 0).leaf().allDomains();
            templates.add(new Template(e.leafInput(), e.extraData(), leafEnds, extraEnds, patch,
                    extraEnds.length == 0 ? Base64.getEncoder().encode(e.extraData()) : null, domains));
        }
        return new EntryPool(templates.toArray(Template[]::new));
    }

    int size() {
        return templates.length;
    }

    /** The domains (all_domains) of entry {@code index}. */
    List<String> domains(long index) {
        return templates[(int) (index % templates.length)].domains;
    }

    /** The MerkleTreeLeaf of entry {@code index}, stamped with {@code timestamp} (epoch millis). */
    byte[] leafInput(long index, long timestamp) {
        Template t = templates[(int) (index % templates.length)];
        byte[] leaf = t.leafInput.clone();
        for (int i = 0; i < 8; i++) {
            leaf[TIMESTAMP_OFFSET + i] = (byte) (timestamp >>> (56 - 8 * i));
        }
        patch(leaf, t.leafSerialEnds, t.patchLength, index);
        return leaf;
    }

    /** The extra_data of entry {@code index}, base64-encoded (shared bytes when it holds no per-entry serial). */
    byte[] extraDataBase64(long index) {
        Template t = templates[(int) (index % templates.length)];
        if (t.extraBase64 != null) {
            return t.extraBase64;
        }
        byte[] extra = t.extraData.clone();
        patch(extra, t.extraSerialEnds, t.patchLength, index);
        return Base64.getEncoder().encode(extra);
    }

    private static void patch(byte[] bytes, int[] ends, int length, long index) {
        long value = index + 1;
        for (int end : ends) {
            for (int i = 1; i <= length; i++) {
                bytes[end - i] = (byte) (value >>> (8 * (i - 1)));
            }
        }
    }

    /** End offsets of every occurrence of {@code needle} in {@code haystack}. */
    private static int[] find(byte[] haystack, byte[] needle) {
        int[] found = new int[0];
        outer:
        for (int i = 0; i + needle.length <= haystack.length; i++) {
            for (int j = 0; j < needle.length; j++) {
                if (haystack[i + j] != needle[j]) {
                    continue outer;
                }
            }
            found = Arrays.copyOf(found, found.length + 1);
            found[found.length - 1] = i + needle.length;
        }
        return found;
    }
}
