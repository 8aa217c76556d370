package io.certstream.hub.wire;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.util.ByteArrayBuilder;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.EncodeException;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.core.json.jackson.DatabindCodec;
import io.vertx.core.json.jackson.JacksonCodec;
import io.vertx.core.spi.json.JsonCodec;

import java.io.IOException;
import java.io.StringWriter;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Vert.x's JSON codec in the hub ({@link JsonObject#encode()}, the bridges' envelopes, the configuration): Vert.x's
 * {@link JacksonCodec}, which needs only jackson-core, plus {@link RawJson} values written verbatim. Vert.x would
 * otherwise pick its databind codec because jackson-databind is on the class path, and building its
 * {@code ObjectMapper} at start loads about 370 classes (3-4 MiB of metaspace, resident for the hub's life) that the
 * hub never needs: it maps no Java objects to JSON. Whatever asks for that mapping (a plugin's
 * {@code JsonObject.mapFrom}, a Java object inside a {@code JsonObject}) still gets it: those calls go to the databind
 * codec, created the first time one is made. Installed by {@link HubJsonFactory} (a Vert.x {@code JsonFactory}
 * service).
 */
public final class HubJsonCodec extends JacksonCodec {

    /** Types {@link JacksonCodec} decodes to by itself; anything else is a mapping to a Java object (databind). */
    private static final Set<Class<?>> CORE_TYPES = Set.of(Object.class, Map.class, JsonObject.class, List.class,
            JsonArray.class, String.class, Boolean.class, Number.class, Integer.class, Long.class, Float.class,
            Double.class, Byte.class, Short.class, byte[].class, Buffer.class, Instant.class);

    private static final JsonFactory FACTORY = new JsonFactory();

    /** The databind codec and its ObjectMapper, created on first use only (when this holder class loads). */
    private static final class Databind {
        static final JsonCodec CODEC = new DatabindCodec();

        static void write(JsonGenerator gen, Object value) throws IOException {
            DatabindCodec.mapper().writeValue(gen, value);
        }
    }

    @Override
    public <T> T fromString(String str, Class<T> type) throws DecodeException {
        return core(type) ? super.fromString(str, type) : Databind.CODEC.fromString(str, type);
    }

    @Override
    public <T> T fromBuffer(Buffer buf, Class<T> type) throws DecodeException {
        return core(type) ? super.fromBuffer(buf, type) : Databind.CODEC.fromBuffer(buf, type);
    }

    @Override
    public <T> T fromValue(Object json, Class<T> type) {
        return Databind.CODEC.fromValue(json, type);
    }

    @Override
    public String toString(Object value, boolean pretty) throws EncodeException {
        StringWriter out = new StringWriter();
        try (JsonGenerator gen = generator(FACTORY.createGenerator(out), pretty)) {
            encode(value, gen);
        } catch (IOException e) {
            throw new EncodeException(e.getMessage(), e);
        }
        return out.toString();
    }

    @Override
    public Buffer toBuffer(Object value, boolean pretty) throws EncodeException {
        ByteArrayBuilder out = new ByteArrayBuilder();
        try (JsonGenerator gen = generator(FACTORY.createGenerator(out), pretty)) {
            encode(value, gen);
        } catch (IOException e) {
            throw new EncodeException(e.getMessage(), e);
        }
        return Buffer.buffer(out.toByteArray());
    }

    private static boolean core(Class<?> type) {
        return CORE_TYPES.contains(type) || type.isEnum();
    }

    private static JsonGenerator generator(JsonGenerator gen, boolean pretty) {
        return pretty ? gen.useDefaultPrettyPrinter() : gen;
    }

    /** JacksonCodec's encoding, walked here so that a RawJson anywhere in the tree is written as it is. */
    private static void encode(Object value, JsonGenerator gen) throws IOException {
        if (value instanceof RawJson raw) {
            gen.writeRawValue(raw.text());
        } else if (value instanceof JsonObject object) {
            encode(object.getMap(), gen);
        } else if (value instanceof JsonArray array) {
            encode(array.getList(), gen);
        } else if (value instanceof Map<?, ?> map) {
            gen.writeStartObject();
            for (Map.Entry<?, ?> e : map.entrySet()) {
                gen.writeFieldName((String) e.getKey());
                encode(e.getValue(), gen);
            }
            gen.writeEndObject();
        } else if (value instanceof List<?> list) {
            gen.writeStartArray();
            for (Object item : list) {
                encode(item, gen);
            }
            gen.writeEndArray();
        } else if (value == null || value instanceof String || value instanceof Number || value instanceof Boolean
                || value instanceof Instant || value instanceof byte[] || value instanceof Buffer
                || value instanceof Enum<?>) {
            JacksonCodec.encodeJson(value, gen);
        } else {
            // A Java object: what Vert.x's databind codec would have written for it.
            Databind.write(gen, value);
        }
    }
}
