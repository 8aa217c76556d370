package io.certstream.hub.decode;

import java.util.ArrayList;
import java.util.List;

import io.certstream.model.Certificate;
import io.certstream.model.CertificateUpdate;
import io.certstream.model.LogSource;
import io.certstream.model.UpdateType;

/**
 * Decodes an RFC 6962 log entry ({@code leaf_input} + {@code extra_data}) into a {@link CertificateUpdate}.
 * <p>
 * For a precert_entry the leaf is the full pre_certificate from {@code extra_data}, poison
 * extension included, so clients see {@code ctlPoisonByte: true} as with CaliDog's server; the
 * TBSCertificate in {@code leaf_input} (poison removed, issuer possibly rewritten) is only
 * length-checked. certstream-server-go renders fields from that TBS but hashes and ships the
 * pre_certificate; using the pre_certificate throughout keeps fields and hashes consistent.
 * <p>
 * Thread-safe; meant to run on worker threads. Every failure is a {@link MalformedEntryException}
 * naming the entry index and what was wrong.
 */
public final class LogEntryDecoder {
    private static final int X509_ENTRY = 0;
    private static final int PRECERT_ENTRY = 1;
    private static final int ISSUER_KEY_HASH_LENGTH = 32;

    private final CertificateDecoder certificates;

    public LogEntryDecoder() {
        this(new CertificateDecoder());
    }

    public LogEntryDecoder(CertificateDecoder certificates) {
        this.certificates = certificates;
    }

    /**
     * @param raw        the entry as the log served it
     * @param source     the log it came from
     * @param certLink   where a user can fetch the entry (e.g. {@code <log>/ct/v1/get-entries?start=N&end=N})
     * @param seenMillis when the hub processed it, epoch milliseconds
     */
    public CertificateUpdate decode(RawEntry raw, LogSource source, String certLink, long seenMillis) {
        // Name the log too: the hub decodes entries of many logs on the same worker pool.
        String where = "entry " + raw.index() + " of " + (source == null ? "an unnamed log" : source.url());
        if (raw.problem() != null) {
            throw new MalformedEntryException(where + ": " + raw.problem());
        }
        if (raw.leafInput() == null || raw.extraData() == null) {
            throw new MalformedEntryException(where + ": leaf_input or extra_data is missing");
        }
        TlsReader leaf = new TlsReader(raw.leafInput(), where + " leaf_input");
        int version = leaf.u8("version");
        if (version != 0) {
            throw leaf.malformed("MerkleTreeLeaf version " + version + ", only v1 (0) is defined");
        }
        int leafType = leaf.u8("leaf_type");
        if (leafType != 0) {
            throw leaf.malformed("leaf_type " + leafType + ", only timestamped_entry (0) is defined");
        }
        long timestamp = leaf.u64("timestamp");
        int entryType = leaf.u16("entry_type");

        TlsReader extra = new TlsReader(raw.extraData(), where + " extra_data");
        UpdateType updateType;
        Certificate leafCert;
        List<byte[]> chainDer;
        switch (entryType) {
            case X509_ENTRY -> {
                updateType = UpdateType.X509LogEntry;
                byte[] der = leaf.vector24("x509_entry ASN.1Cert");
                skipExtensions(leaf);
                chainDer = chain(extra.nested24("certificate_chain"));
                extra.expectEnd("certificate_chain");
                leafCert = decodeCertificate(der, where, "leaf certificate", false);
            }
            case PRECERT_ENTRY -> {
                updateType = UpdateType.PrecertLogEntry;
                leaf.skip(ISSUER_KEY_HASH_LENGTH, "issuer_key_hash");
                leaf.vector24("precert_entry tbs_certificate");
                skipExtensions(leaf);
                byte[] preCertificate = extra.vector24("pre_certificate");
                chainDer = chain(extra.nested24("precertificate_chain"));
                extra.expectEnd("PrecertChainEntry");
                leafCert = decodeCertificate(preCertificate, where, "pre_certificate", false);
            }
            default -> throw leaf.malformed("unknown entry_type " + entryType + " (expected 0 x509_entry or 1 precert_entry)");
        }

        List<Certificate> chain = new ArrayList<>(chainDer.size());
        for (int i = 0; i < chainDer.size(); i++) {
            chain.add(decodeCertificate(chainDer.get(i), where, "chain certificate " + i, true));
        }
        return new CertificateUpdate(updateType, raw.index(), certLink, seenMillis, timestamp, source, leafCert, chain);
    }

    private static void skipExtensions(TlsReader leaf) {
        int length = leaf.u16("CtExtensions length");
        leaf.skip(length, "CtExtensions");
        leaf.expectEnd("TimestampedEntry");
    }

    private static List<byte[]> chain(TlsReader list) {
        List<byte[]> certs = new ArrayList<>(4);
        while (list.hasRemaining()) {
            certs.add(list.vector24("ASN.1Cert " + certs.size()));
        }
        return certs;
    }

    private Certificate decodeCertificate(byte[] der, String where, String what, boolean cached) {
        try {
            return cached ? certificates.decodeCached(der) : certificates.decode(der);
        } catch (MalformedEntryException e) {
            throw new MalformedEntryException(where + ": " + what + ": " + e.getMessage(), e);
        }
    }
}
