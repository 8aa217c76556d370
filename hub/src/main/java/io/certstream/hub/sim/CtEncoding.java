package io.certstream.hub.sim;

import java.io.ByteArrayOutputStream;
import java.util.List;

/**
 * Encodes the RFC 6962 structures a log serves: the {@code MerkleTreeLeaf} ({@code leaf_input}),
 * the {@code extra_data} of both entry types, and the {@code TreeHeadSignature} input.
 */
public final class CtEncoding {

    /** RFC 6962 {@code LogEntryType}. */
    public static final int X509_ENTRY = 0;
    public static final int PRECERT_ENTRY = 1;

    private static final int V1 = 0;
    private static final int TIMESTAMPED_ENTRY = 0;
    private static final int TREE_HASH = 1;
    private static final int MAX_UINT24 = (1 << 24) - 1;

    private CtEncoding() {
    }

    /** {@code MerkleTreeLeaf} of an {@code x509_entry}: the final certificate's DER. */
    public static byte[] x509LeafInput(long timestamp, byte[] certificateDer) {
        Writer out = leafHeader(timestamp, X509_ENTRY);
        out.opaque24(certificateDer, "ASN.1Cert");
        out.uint16(0); // no CtExtensions
        return out.toByteArray();
    }

    /**
     * {@code MerkleTreeLeaf} of a {@code precert_entry}.
     *
     * @param issuerKeyHash SHA-256 of the issuer's SubjectPublicKeyInfo
     * @param tbsCertificate the precertificate's TBSCertificate with the poison extension removed
     */
    public static byte[] precertLeafInput(long timestamp, byte[] issuerKeyHash, byte[] tbsCertificate) {
        if (issuerKeyHash.length != 32) {
            throw new IllegalArgumentException("issuer_key_hash must be 32 bytes, got " + issuerKeyHash.length);
        }
        Writer out = leafHeader(timestamp, PRECERT_ENTRY);
        out.bytes(issuerKeyHash);
        out.opaque24(tbsCertificate, "TBSCertificate");
        out.uint16(0);
        return out.toByteArray();
    }

    /** {@code extra_data} of an {@code x509_entry}: the {@code certificate_chain}. */
    public static byte[] x509ExtraData(List<byte[]> chainDer) {
        Writer out = new Writer();
        out.opaque24(certificateList(chainDer), "certificate_chain");
        return out.toByteArray();
    }

    /** {@code extra_data} of a {@code precert_entry}: the {@code PrecertChainEntry}. */
    public static byte[] precertExtraData(byte[] precertificateDer, List<byte[]> chainDer) {
        Writer out = new Writer();
        out.opaque24(precertificateDer, "pre_certificate");
        out.opaque24(certificateList(chainDer), "precertificate_chain");
        return out.toByteArray();
    }

    /** The RFC 6962 section 3.5 {@code TreeHeadSignature} struct: the bytes an STH signature covers. */
    public static byte[] treeHeadSignatureInput(long timestamp, long treeSize, byte[] rootHash) {
        Writer out = new Writer();
        out.uint8(V1);
        out.uint8(TREE_HASH);
        out.uint64(timestamp);
        out.uint64(treeSize);
        out.bytes(rootHash);
        return out.toByteArray();
    }

    /** A TLS {@code DigitallySigned}: hash sha256(4), signature ecdsa(3), 16-bit length, signature. */
    public static byte[] digitallySignedEcdsaSha256(byte[] derSignature) {
        Writer out = new Writer();
        out.uint8(4);
        out.uint8(3);
        out.uint16(derSignature.length);
        out.bytes(derSignature);
        return out.toByteArray();
    }

    private static Writer leafHeader(long timestamp, int entryType) {
        Writer out = new Writer();
        out.uint8(V1);
        out.uint8(TIMESTAMPED_ENTRY);
        out.uint64(timestamp);
        out.uint16(entryType);
        return out;
    }

    private static byte[] certificateList(List<byte[]> certificates) {
        Writer list = new Writer();
        for (byte[] der : certificates) {
            list.opaque24(der, "ASN.1Cert");
        }
        return list.toByteArray();
    }

    /** Big-endian TLS presentation-language writer. */
    private static final class Writer {
        private final ByteArrayOutputStream out = new ByteArrayOutputStream();

        void uint8(int value) {
            out.write(value);
        }

        void uint16(int value) {
            out.write(value >>> 8);
            out.write(value);
        }

        void uint64(long value) {
            for (int shift = 56; shift >= 0; shift -= 8) {
                out.write((int) (value >>> shift));
            }
        }

        void opaque24(byte[] value, String what) {
            if (value.length > MAX_UINT24) {
                throw new IllegalArgumentException(what + " is " + value.length + " bytes, more than a 24-bit length allows");
            }
            out.write(value.length >>> 16);
            out.write(value.length >>> 8);
            out.write(value.length);
            bytes(value);
        }

        void bytes(byte[] value) {
            out.writeBytes(value);
        }

        byte[] toByteArray() {
            return out.toByteArray();
        }
    }
}
