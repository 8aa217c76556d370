package io.certstream.hub.stream;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.core.Base64Variants;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
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
 * </ul>
 */
public final class WireFormat {
    private static final JsonFactory JSON = JsonFactory.builder().build();

    private WireFormat() {
    }

    /** The {@code /full-stream} message: with {@code leaf_cert.as_der} and {@code chain}. */
    public static Buffer full(CertificateUpdate u) {
        return write(1024 + 2048 * (u.chain().size() + 1), g -> certificateUpdate(g, u, true));
    }

    /** The {@code /} (lite) message: no {@code as_der}, no {@code chain}. */
    public static Buffer lite(CertificateUpdate u) {
        return write(1536, g -> certificateUpdate(g, u, false));
    }

    /** The {@code /domains-only} message: {@code {"message_type":"dns_entries","data":[...]}}. */
    public static Buffer domainsOnly(CertificateUpdate u) {
        return write(128, g -> {
            g.writeStartObject();
            g.writeStringField("message_type", "dns_entries");
            g.writeFieldName("data");
            strings(g, u.leaf().allDomains());
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

    private static void certificateUpdate(JsonGenerator g, CertificateUpdate u, boolean full) throws IOException {
        g.writeStartObject();
        g.writeStringField("message_type", "certificate_update");
        g.writeObjectFieldStart("data");
        g.writeStringField("update_type", u.updateType().name());
        g.writeNumberField("cert_index", u.certIndex());
        g.writeStringField("cert_link", u.certLink());
        g.writeFieldName("seen");
        seconds(g, u.seenMillis());
        source(g, u.source(), u.logTimestamp());
        g.writeFieldName("leaf_cert");
        certificate(g, u.leaf(), full);
        if (full) {
            g.writeArrayFieldStart("chain");
            for (Certificate c : u.chain()) {
                certificate(g, c, true);
            }
            g.writeEndArray();
        }
        g.writeEndObject();
        g.writeEndObject();
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
        g.writeEndObject();
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
        g.writeNumber(BigDecimal.valueOf(millis, 3).stripTrailingZeros().toPlainString());
    }
}
