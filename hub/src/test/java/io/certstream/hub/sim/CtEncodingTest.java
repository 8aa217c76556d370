package io.certstream.hub.sim;

import io.certstream.hub.testing.CtData;
import io.certstream.hub.testing.TlsReader;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

/** Re-encodes real log entries and expects the exact bytes the real logs served. */
class CtEncodingTest {

    private static final String ENTRIES = "rfc6962/single_entries/";

    @Test
    void reEncodesRealX509EntriesByteForByte() throws Exception {
        for (String source : List.of("scrape-ct-log", "ctclient-rs")) {
            byte[] leafInput = read(source + "/x509_leaf_input.bin");
            byte[] extraData = read(source + "/x509_extra_data.bin");
            TlsReader leaf = new TlsReader(leafInput);
            assertEquals(0, leaf.uint16(), source);
            long timestamp = leaf.uint64();
            assertEquals(CtEncoding.X509_ENTRY, leaf.uint16(), source);
            byte[] certificate = leaf.opaque24();
            List<byte[]> chain = new TlsReader(extraData).certificateList();

            assertArrayEquals(leafInput, CtEncoding.x509LeafInput(timestamp, certificate), source + " leaf_input");
            assertArrayEquals(extraData, CtEncoding.x509ExtraData(chain), source + " extra_data");
        }
    }

    @Test
    void reEncodesRealPrecertEntriesByteForByte() throws Exception {
        for (String source : List.of("scrape-ct-log", "ctclient-rs")) {
            byte[] leafInput = read(source + "/precert_leaf_input.bin");
            byte[] extraData = read(source + "/precert_extra_data.bin");
            TlsReader leaf = new TlsReader(leafInput);
            assertEquals(0, leaf.uint16(), source);
            long timestamp = leaf.uint64();
            assertEquals(CtEncoding.PRECERT_ENTRY, leaf.uint16(), source);
            byte[] issuerKeyHash = leaf.bytes(32);
            byte[] tbs = leaf.opaque24();
            TlsReader extra = new TlsReader(extraData);
            byte[] precertificate = extra.opaque24();
            List<byte[]> chain = extra.certificateList();

            assertArrayEquals(leafInput, CtEncoding.precertLeafInput(timestamp, issuerKeyHash, tbs), source + " leaf_input");
            assertArrayEquals(extraData, CtEncoding.precertExtraData(precertificate, chain), source + " extra_data");
        }
    }

    @Test
    void removingThePoisonFromARealPrecertificateGivesTheLoggedTbs() throws Exception {
        // Only ctclient-rs: the scrape-ct-log pair logs a TBS whose serial differs from its pre_certificate's.
        TlsReader leaf = new TlsReader(read("ctclient-rs/precert_leaf_input.bin"));
        leaf.bytes(2 + 8 + 2 + 32);
        byte[] loggedTbs = leaf.opaque24();
        byte[] precertificate = new TlsReader(read("ctclient-rs/precert_extra_data.bin")).opaque24();

        assertArrayEquals(loggedTbs, CertificateMint.tbsWithoutPoison(precertificate));
    }

    @Test
    void treeHeadSignatureInputIsTheRfc6962Struct() {
        byte[] root = new byte[32];
        root[31] = 7;
        byte[] input = CtEncoding.treeHeadSignatureInput(0x0102030405060708L, 300, root);
        TlsReader reader = new TlsReader(input);
        assertEquals(0, reader.uint8(), "version v1");
        assertEquals(1, reader.uint8(), "signature_type tree_hash");
        assertEquals(0x0102030405060708L, reader.uint64());
        assertEquals(300, reader.uint64());
        assertArrayEquals(root, reader.bytes(32));
        assertEquals(50, input.length);
    }

    private static byte[] read(String relative) throws Exception {
        return Files.readAllBytes(CtData.file(ENTRIES + relative));
    }
}
