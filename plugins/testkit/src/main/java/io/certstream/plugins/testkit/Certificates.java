package io.certstream.plugins.testkit;

import io.certstream.model.Certificate;
import io.certstream.model.CertificateUpdate;
import io.certstream.model.DistinguishedName;
import io.certstream.model.LogSource;
import io.certstream.model.UpdateType;
import io.certstream.plugin.BusAddresses;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.eventbus.MessageCodec;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Certificate updates for tests, and publishing them on the bus as the hub does. */
public final class Certificates {
    public static final LogSource LOG = new LogSource("Test 'Sim2026' log", "https://ct.test/sim2026/", "Test", LogSource.RFC6962);
    public static final DistinguishedName ISSUER = new DistinguishedName(
            "US", null, null, "Let's Encrypt", null, "R3", null, "/C=US/O=Let's Encrypt/CN=R3");

    private Certificates() {
    }

    /** An x509 entry at {@code index} of {@link #LOG} whose leaf names these domains (the first is the CN). */
    public static CertificateUpdate update(long index, String... domains) {
        byte[] der = ("fake-der-" + index + "-" + String.join(",", domains)).getBytes(StandardCharsets.UTF_8);
        Map<String, Object> extensions = new LinkedHashMap<>();
        extensions.put("subjectAltName", "DNS:" + String.join(", DNS:", domains));
        Certificate leaf = new Certificate(
                new DistinguishedName(null, null, null, null, null, domains[0], null, "/CN=" + domains[0]),
                ISSUER, extensions, 1_700_000_000L, 1_707_776_000L,
                String.format("%036X", index), colonHex("SHA-1", der), colonHex("SHA-256", der),
                "sha256, rsa", false, List.of(domains), der);
        return new CertificateUpdate(UpdateType.X509LogEntry, index,
                LOG.url() + "ct/v1/get-entries?start=" + index + "&end=" + index,
                1_700_000_000_000L + index, 1_700_000_000_000L + index, LOG, leaf, List.of());
    }

    /** Lets {@link CertificateUpdate} objects travel the local bus, as the hub registers it. Idempotent per Vert.x. */
    public static void registerCodec(Vertx vertx) {
        try {
            vertx.eventBus().registerDefaultCodec(CertificateUpdate.class, new LocalCodec());
        } catch (IllegalStateException alreadyRegistered) {
            // a second test on the same Vert.x
        }
    }

    /** Publishes on {@link BusAddresses#UPDATES}, as the hub's decoder does. */
    public static void publish(Vertx vertx, CertificateUpdate update) {
        vertx.eventBus().publish(BusAddresses.UPDATES, update);
    }

    private static String colonHex(String algorithm, byte[] data) {
        try {
            return HexFormat.ofDelimiter(":").withUpperCase().formatHex(MessageDigest.getInstance(algorithm).digest(data));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static final class LocalCodec implements MessageCodec<CertificateUpdate, CertificateUpdate> {
        @Override
        public void encodeToWire(Buffer buffer, CertificateUpdate update) {
            throw new UnsupportedOperationException("local only");
        }

        @Override
        public CertificateUpdate decodeFromWire(int pos, Buffer buffer) {
            throw new UnsupportedOperationException("local only");
        }

        @Override
        public CertificateUpdate transform(CertificateUpdate update) {
            return update;
        }

        @Override
        public String name() {
            return "test-certificate-update";
        }

        @Override
        public byte systemCodecID() {
            return -1;
        }
    }
}
