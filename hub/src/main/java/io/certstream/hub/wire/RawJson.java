package io.certstream.hub.wire;

import io.certstream.hub.bridge.BridgeChannels;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.JsonSerializable;
import com.fasterxml.jackson.databind.SerializerProvider;
import com.fasterxml.jackson.databind.jsontype.TypeSerializer;
import io.vertx.core.buffer.Buffer;

import java.io.IOException;
import java.nio.charset.StandardCharsets;

/**
 * JSON text that is already serialized, carried as a value inside another JSON document. The event-bus bridges wrap
 * each body in an envelope ({@code {"type":"rec","address":...,"body":...}}) and encode the envelope with Vert.x's
 * JSON codec, the hub's {@link HubJsonCodec} (or Vert.x's databind codec, through {@link JsonSerializable}, should
 * another codec be installed); a {@code RawJson} body is written verbatim, so a bridge client receives the message as a
 * JSON object while the hub never re-serializes the certificate (a {@code Buffer} body would arrive base64-encoded,
 * a {@code JsonObject} body would be deep-copied per consumer and encoded again per client).
 *
 * <p>Immutable: one instance is shared by every bridge client of a channel (see {@link BridgeChannels}).
 */
public record RawJson(String text) implements JsonSerializable {

    public static RawJson of(Buffer json) {
        return new RawJson(json.toString(StandardCharsets.UTF_8));
    }

    @Override
    public void serialize(JsonGenerator gen, SerializerProvider serializers) throws IOException {
        gen.writeRawValue(text);
    }

    @Override
    public void serializeWithType(JsonGenerator gen, SerializerProvider serializers, TypeSerializer typeSer)
            throws IOException {
        gen.writeRawValue(text);
    }

    @Override
    public String toString() {
        return text;
    }
}
