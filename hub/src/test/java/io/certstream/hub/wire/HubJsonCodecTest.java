package io.certstream.hub.wire;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.Json;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Vert.x's JSON in the hub: the hub's codec, RawJson verbatim, Java objects still mapped, databind left unloaded. */
class HubJsonCodecTest {

    /** A Java object, which only databind maps. */
    public record Point(int x, String name) {
    }

    @Test
    void vertxUsesTheHubsCodec() {
        assertInstanceOf(HubJsonCodec.class, Json.CODEC);
    }

    @Test
    void rawJsonIsWrittenVerbatimAtAnyDepthAndTheRestAsVertxWritesIt() {
        RawJson raw = new RawJson("{\"message_type\":\"certificate_update\",\"data\":[1,2]}");
        JsonObject envelope = new JsonObject().put("type", "rec").put("address", "a").put("body", raw)
                .put("list", new JsonArray().add(raw).add(1.5).add(true).addNull())
                .put("map", Map.of("k", List.of(raw)))
                .put("bytes", Buffer.buffer("hi"));
        String expected = "{\"type\":\"rec\",\"address\":\"a\",\"body\":" + raw.text() + ",\"list\":[" + raw.text()
                + ",1.5,true,null],\"map\":{\"k\":[" + raw.text() + "]},\"bytes\":\"aGk\"}";
        assertEquals(expected, envelope.encode());
        assertEquals(expected, envelope.toBuffer().toString(StandardCharsets.UTF_8));
        JsonObject back = new JsonObject(envelope.encode());
        assertEquals(new JsonObject(raw.text()), back.getJsonObject("body"));
        assertTrue(envelope.encodePrettily().contains("\n  \"type\" : \"rec\""), envelope.encodePrettily());
    }

    @Test
    void javaObjectsAreStillMappedThroughDatabind() {
        JsonObject mapped = JsonObject.mapFrom(new Point(3, "p"));
        assertEquals(new JsonObject().put("x", 3).put("name", "p"), mapped);
        assertEquals(new Point(3, "p"), mapped.mapTo(Point.class));
        assertEquals(new Point(4, "q"), Json.decodeValue("{\"x\":4,\"name\":\"q\"}", Point.class));
        assertEquals("{\"p\":{\"x\":5,\"name\":\"r\"}}", new JsonObject().put("p", new Point(5, "r")).encode());
    }

    /**
     * In a JVM of its own (this one's other tests may have loaded it): the hub's JSON, RawJson included, leaves
     * jackson-databind's ObjectMapper unloaded.
     */
    @Test
    void encodingAndDecodingLeaveDatabindUnloaded() throws Exception {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Process p = new ProcessBuilder(java, "-Xlog:class+load", "-cp", System.getProperty("java.class.path"),
                EncodeSome.class.getName()).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(60, TimeUnit.SECONDS));
        assertEquals(0, p.exitValue(), out);
        assertTrue(out.contains("io.certstream.hub.wire.HubJsonCodec "), "the hub's codec was not loaded");
        assertTrue(out.contains("encoded {\"body\":{\"a\":1}}"), out.lines().filter(l -> l.startsWith("encoded"))
                .findFirst().orElse("nothing encoded"));
        assertFalse(out.contains("com.fasterxml.jackson.databind.ObjectMapper "), "ObjectMapper was loaded");
    }

    /** The child JVM of {@link #encodingAndDecodingLeaveDatabindUnloaded}. */
    public static final class EncodeSome {
        public static void main(String[] args) {
            String text = new JsonObject().put("body", new RawJson("{\"a\":1}")).encode();
            new JsonObject(text).toBuffer();
            System.out.println("encoded " + text);
        }
    }
}
