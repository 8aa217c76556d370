package io.certstream.hub.wire;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.core.Base64Variants;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.StreamWriteFeature;
import com.fasterxml.jackson.core.util.ByteArrayBuilder;

import io.certstream.model.Certificate;
import io.certstream.model.CertificateUpdate;
import io.certstream.model.DistinguishedName;
import io.certstream.model.LogSource;

import io.vertx.core.buffer.Buffer;

/**
 * Serializes updates into the CertStream wire format (see WIRE.md), field for field as
 * certstream-server-go sends them, with a streaming generator straight into bytes: this runs for
 * every certificate, thousands per second, so no object tree is built. Serialize once per stream
 * kind and write the same {@link Buffer} to every client.
 * <p>
 * Choices where the anchors differ or are silent:
 * <ul>
 *   <li>{@code message_type} comes first (Go writes it last; JSON order does not matter to clients,
 *       and first lets a router look at it without parsing the rest).</li>
 *   <li>{@code seen} and {@code source.timestamp} are epoch seconds with milliseconds, printed like
 *       Go's float64 (shortest form, never exponent notation: {@code 1659301203.904}).</li>
 *   <li>{@code source.timestamp} is the log's timestamp of the entry and {@code source.type} is
 *       "rfc6962" or "tiled", as in certstream-server-go; {@code source.operator} is added only when
 *       known (Go never sends it).</li>
 *   <li>The full stream always has {@code chain}, {@code []} when empty (Go omits an empty chain;
 *       clients that iterate it would break on a missing key).</li>
 *   <li>{@code all_domains} is always an array, {@code []} when empty (as Go does).</li>
 *   <li>In full messages {@code leaf_cert.as_der} comes last in {@code leaf_cert} (Go writes it after
 *       {@code all_domains}): the lite and full messages then share one serialization of everything before it.
 *       Chain certificates keep Go's order.</li>
 * </ul>
 */
public final class WireFormat {
    private static final JsonFactory JSON = JsonFactory.builder().build();
    /** Leaves objects open on close: {@link #sharedPrefix} stops inside {@code leaf_cert}. */
    private static final JsonFactory OPEN_JSON = JsonFactory.builder().disable(StreamWriteFeature.AUTO_CLOSE_CONTENT).build();
    private static final byte[] LITE_END = "}}}".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] AS_DER_OPEN = ",\"as_der\":\"".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] CHAIN_OPEN = "\"},\"chain\":[".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] FULL_END = "]}}".getBytes(StandardCharsets.US_ASCII);
    private static final ChainJson CHAIN_CERTIFICATES = new ChainJson(ChainJson.DEFAULT_CAPACITY);

    private WireFormat() {
    }

    /**
     * Where the 16 stamp digits of the cursor start in a certificate_update message made with a cursor: its second
     * field, right after {@code message_type}, whose value is the same in every such message.
     */
    static final int UPDATE_STAMP_AT = "{\"message_type\":\"certificate_update\",\"cursor\":\"".length();
    /** The same in a dns_entries message. */
    static final int DNS_STAMP_AT = "{\"message_type\":\"dns_entries\",\"cursor\":\"".length();
    /** Eight of the placeholder's sixteen "0" digits, as {@link Buffer#getLong} reads them. */
    private static final long EIGHT_ZERO_DIGITS = 0x3030303030303030L;

    /** The {@code /full-stream} message: with {@code leaf_cert.as_der} and {@code chain}. No cursor. */
    public static Buffer full(CertificateUpdate u) {
        return full(u, sharedPrefix(u, null));
    }

    /** The {@code /} (lite) message: no {@code as_der}, no {@code chain}. No cursor. */
    public static Buffer lite(CertificateUpdate u) {
        return lite(sharedPrefix(u, null));
    }

    /**
     * Both certificate_update messages, from one serialization of everything they share, with {@code "cursor"} as
     * their second field (after {@code message_type}) when {@code cursor} is not null.
     */
    static Buffer[] liteAndFull(CertificateUpdate u, String cursor) {
        byte[] prefix = sharedPrefix(u, cursor);
        return new Buffer[] {lite(prefix), full(u, prefix)};
    }

    /**
     * Throws IllegalStateException unless {@code message} holds the 16 "0" placeholder digits of
     * {@link Cursor#unstamped} at {@code at}: the publisher writes the stamp over them in place ({@link
     * EncodedUpdate#stamp}), while the message is still its alone, so the cursor costs no copy of the message; a
     * message stamped already (or made without a cursor) is a programming error, not overwritten.
     */
    static void checkUnstamped(Buffer message, int at) {
        if (message.getLong(at) != EIGHT_ZERO_DIGITS || message.getLong(at + 8) != EIGHT_ZERO_DIGITS) {
            throw new IllegalStateException("the message has no unstamped cursor at " + at + " (stamped twice?)");
        }
    }

    private static Buffer lite(byte[] prefix) {
        return Buffer.buffer(prefix.length + LITE_END.length).appendBytes(prefix).appendBytes(LITE_END);
    }

    /**
     * The full message is the shared prefix, then {@code as_der} (last in {@code leaf_cert}: key order does not
     * matter to JSON clients, and there it needs no second serialization of the leaf), then the chain, whose
     * certificates (the same few intermediates and roots in almost every message, most of its bytes) come from
     * {@link ChainJson} instead of being serialized again.
     */
    private static Buffer full(CertificateUpdate u, byte[] prefix) {
        byte[] der = Base64.getEncoder().encode(u.leaf().der());
        byte[][] chain = new byte[u.chain().size()][];
        int size = prefix.length + AS_DER_OPEN.length + der.length + CHAIN_OPEN.length + FULL_END.length + chain.length;
        for (int i = 0; i < chain.length; i++) {
            chain[i] = CHAIN_CERTIFICATES.json(u.chain().get(i));
            size += chain[i].length;
        }
        Buffer out = Buffer.buffer(size).appendBytes(prefix).appendBytes(AS_DER_OPEN).appendBytes(der).appendBytes(CHAIN_OPEN);
        for (int i = 0; i < chain.length; i++) {
            if (i > 0) {
                out.appendByte((byte) ',');
            }
            out.appendBytes(chain[i]);
        }
        return out.appendBytes(FULL_END);
    }

    /**
     * What the lite and full messages share, left open: {@code {"message_type":...,"data":{...,"leaf_cert":{...}
     * without the closing braces of {@code leaf_cert}, {@code data} and the message.
     */
    private static byte[] sharedPrefix(CertificateUpdate u, String cursor) {
        ByteArrayBuilder bytes = new ByteArrayBuilder(1536);
        try (JsonGenerator g = OPEN_JSON.createGenerator(bytes)) {
            certificateUpdateHead(g, u, cursor);
            g.writeStartObject();
            certificateFields(g, u.leaf(), false);
            g.flush();
        } catch (IOException e) {
            throw new UncheckedIOException("serializing a CertStream message failed", e);
        }
        return bytes.toByteArray();
    }

    /** The {@code /domains-only} message: {@code {"message_type":"dns_entries","data":[...]}}. No cursor. */
    public static Buffer domainsOnly(CertificateUpdate u) {
        return domainsOnly(u, null);
    }

    /** The {@code /domains-only} message with {@code "cursor"} as its second field when {@code cursor} is not null. */
    static Buffer domainsOnly(CertificateUpdate u, String cursor) {
        return write(128, g -> {
            g.writeStartObject();
            g.writeStringField("message_type", "dns_entries");
            if (cursor != null) {
                g.writeStringField("cursor", cursor);
            }
            g.writeFieldName("data");
            strings(g, u.leaf().allDomains());
            g.writeEndObject();
        });
    }

    /**
     * {@code {"message_type":"gap","since":...,"oldest":...,"missing_seconds":...,"message":...}}: a resuming
     * client's cursor ({@code since}) is older than the oldest message the hub still keeps ({@code oldest}, sent
     * next); about {@code missing_seconds} of publication time between them is lost to this client.
     */
    public static Buffer gap(String since, String oldestKept, double missingSeconds) {
        return write(256, g -> {
            g.writeStartObject();
            g.writeStringField("message_type", "gap");
            g.writeStringField("since", since);
            // null: nothing kept yet (a hub that has just started after a crash); what comes next is live.
            g.writeStringField("oldest", oldestKept);
            g.writeNumberField("missing_seconds", Math.round(missingSeconds * 1000) / 1000.0);
            g.writeStringField("message", "messages published between the two cursors are no longer kept by the hub"
                    + " (server.replayMinutes); replay continues from the oldest it has");
            g.writeEndObject();
        });
    }

    /** {@code {"message_type":"heartbeat","timestamp":<epoch seconds>}}. */
    public static Buffer heartbeat(long epochSeconds) {
        return write(64, g -> {
            g.writeStartObject();
            g.writeStringField("message_type", "heartbeat");
            g.writeNumberField("timestamp", epochSeconds);
            g.writeEndObject();
        });
    }

    private interface Body {
        void write(JsonGenerator g) throws IOException;
    }

    private static Buffer write(int sizeHint, Body body) {
        ByteArrayBuilder bytes = new ByteArrayBuilder(sizeHint);
        try (JsonGenerator g = JSON.createGenerator(bytes)) {
            body.write(g);
        } catch (IOException e) {
            // Only an in-memory builder is written to; an IOException here is a programming error.
            throw new UncheckedIOException("serializing a CertStream message failed", e);
        }
        return Buffer.buffer(bytes.toByteArray());
    }

    /** One certificate as it appears in a full message's {@code chain}: with {@code as_der}. */
    static byte[] chainCertificate(Certificate c) {
        ByteArrayBuilder bytes = new ByteArrayBuilder(2048);
        try (JsonGenerator g = JSON.createGenerator(bytes)) {
            certificate(g, c, true);
        } catch (IOException e) {
            throw new UncheckedIOException("serializing a CertStream certificate failed", e);
        }
        return bytes.toByteArray();
    }

    /** The message up to the {@code leaf_cert} key; the caller writes the certificate and closes the objects. */
    private static void certificateUpdateHead(JsonGenerator g, CertificateUpdate u, String cursor) throws IOException {
        g.writeStartObject();
        g.writeStringField("message_type", "certificate_update");
        if (cursor != null) {
            g.writeStringField("cursor", cursor);
        }
        g.writeObjectFieldStart("data");
        g.writeStringField("update_type", u.updateType().name());
        g.writeNumberField("cert_index", u.certIndex());
        g.writeStringField("cert_link", u.certLink());
        g.writeFieldName("seen");
        seconds(g, u.seenMillis());
        source(g, u.source(), u.logTimestamp());
        g.writeFieldName("leaf_cert");
    }

    private static void source(JsonGenerator g, LogSource s, long logTimestampMillis) throws IOException {
        g.writeObjectFieldStart("source");
        g.writeStringField("name", s.name());
        g.writeStringField("url", s.url());
        g.writeFieldName("timestamp");
        seconds(g, logTimestampMillis);
        g.writeStringField("type", s.kind());
        if (s.operator() != null) {
            g.writeStringField("operator", s.operator());
        }
        g.writeEndObject();
    }

    /** certstream-server-go's LeafCert field order. */
    private static void certificate(JsonGenerator g, Certificate c, boolean withDer) throws IOException {
        g.writeStartObject();
        certificateFields(g, c, withDer);
        g.writeEndObject();
    }

    private static void certificateFields(JsonGenerator g, Certificate c, boolean withDer) throws IOException {
        g.writeFieldName("all_domains");
        strings(g, c.allDomains());
        if (withDer) {
            g.writeFieldName("as_der");
            g.writeBinary(Base64Variants.MIME_NO_LINEFEEDS, c.der(), 0, c.der().length);
        }
        g.writeObjectFieldStart("extensions");
        for (Map.Entry<String, Object> e : c.extensions().entrySet()) {
            if (e.getValue() instanceof Boolean b) {
                g.writeBooleanField(e.getKey(), b);
            } else {
                g.writeStringField(e.getKey(), String.valueOf(e.getValue()));
            }
        }
        g.writeEndObject();
        g.writeStringField("fingerprint", c.fingerprint());
        g.writeStringField("sha1", c.sha1());
        g.writeStringField("sha256", c.sha256());
        g.writeNumberField("not_after", c.notAfter());
        g.writeNumberField("not_before", c.notBefore());
        g.writeStringField("serial_number", c.serialNumber());
        g.writeStringField("signature_algorithm", c.signatureAlgorithm());
        g.writeFieldName("subject");
        name(g, c.subject());
        g.writeFieldName("issuer");
        name(g, c.issuer());
        g.writeBooleanField("is_ca", c.isCa());
    }

    /** certstream-server-go's Subject field order; absent attributes are null. */
    private static void name(JsonGenerator g, DistinguishedName n) throws IOException {
        g.writeStartObject();
        g.writeStringField("C", n.c());
        g.writeStringField("CN", n.cn());
        g.writeStringField("L", n.l());
        g.writeStringField("O", n.o());
        g.writeStringField("OU", n.ou());
        g.writeStringField("ST", n.st());
        g.writeStringField("aggregated", n.aggregated());
        g.writeStringField("email_address", n.emailAddress());
        g.writeEndObject();
    }

    private static void strings(JsonGenerator g, List<String> values) throws IOException {
        g.writeStartArray();
        for (String v : values) {
            g.writeString(v);
        }
        g.writeEndArray();
    }

    /** Epoch millis as seconds the way Go prints float64(ms)/1000: 1659301203.904, 1659301203.9, 1659301203. */
    private static void seconds(JsonGenerator g, long millis) throws IOException {
        g.writeNumber(seconds(millis));
    }

    /** As {@code BigDecimal.valueOf(millis, 3).stripTrailingZeros().toPlainString()}, without the BigDecimal (twice per certificate). */
    static String seconds(long millis) {
        if (millis == Long.MIN_VALUE) {
            return BigDecimal.valueOf(millis, 3).stripTrailingZeros().toPlainString();
        }
        long abs = Math.abs(millis);
        String whole = (millis < 0 ? "-" : "") + abs / 1000;
        int fraction = (int) (abs % 1000);
        if (fraction == 0) {
            return whole;
        }
        if (fraction % 100 == 0) {
            return whole + "." + fraction / 100;
        }
        if (fraction % 10 == 0) {
            return whole + "." + (fraction < 100 ? "0" : "") + fraction / 10;
        }
        return whole + "." + (fraction < 10 ? "00" : fraction < 100 ? "0" : "") + fraction;
    }
}
