package io.certstream.hub.decode;

import java.io.ByteArrayOutputStream;
import java.util.List;

/** Builds RFC 6962 leaf_input and extra_data bytes for tests (the simulated log has its own encoder). */
final class CtEntryBytes {
    private CtEntryBytes() {
    }

    static byte[] x509LeafInput(long timestamp, byte[] certificate) {
        ByteArrayOutputStream out = header(timestamp, 0);
        vector24(out, certificate);
        u16(out, 0); // no CtExtensions
        return out.toByteArray();
    }

    static byte[] precertLeafInput(long timestamp, byte[] issuerKeyHash, byte[] tbsCertificate) {
        ByteArrayOutputStream out = header(timestamp, 1);
        out.writeBytes(issuerKeyHash);
        vector24(out, tbsCertificate);
        u16(out, 0);
        return out.toByteArray();
    }

    static byte[] x509ExtraData(List<byte[]> chain) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        vector24(out, certList(chain));
        return out.toByteArray();
    }

    static byte[] precertExtraData(byte[] preCertificate, List<byte[]> chain) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        vector24(out, preCertificate);
        vector24(out, certList(chain));
        return out.toByteArray();
    }

    private static byte[] certList(List<byte[]> chain) {
        ByteArrayOutputStream list = new ByteArrayOutputStream();
        chain.forEach(c -> vector24(list, c));
        return list.toByteArray();
    }

    private static ByteArrayOutputStream header(long timestamp, int entryType) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write(0); // version v1
        out.write(0); // timestamped_entry
        for (int shift = 56; shift >= 0; shift -= 8) {
            out.write((int) (timestamp >>> shift));
        }
        u16(out, entryType);
        return out;
    }

    private static void u16(ByteArrayOutputStream out, int v) {
        out.write(v >>> 8);
        out.write(v);
    }

    private static void vector24(ByteArrayOutputStream out, byte[] body) {
        out.write(body.length >>> 16);
        out.write(body.length >>> 8);
        out.write(body.length);
        out.writeBytes(body);
    }
}
