package io.certstream.hub.ct.rfc6962;

import io.certstream.hub.ct.LogFetchException;
import io.certstream.hub.decode.RawEntry;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import io.certstream.hub.metrics.FaultKind;
import io.netty.buffer.ByteBuf;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.internal.buffer.BufferInternal;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;

/**
 * Streams a get-entries body ({@code {"entries":[{"leaf_input":..,"extra_data":..},..]}}) into {@link RawEntry}s
 * numbered from {@code start}, without building a JSON tree: these bodies are megabytes during catch-up.
 */
public final class EntriesParser {
    private static final JsonFactory JSON = new JsonFactory();

    private EntriesParser() {
    }

    public static List<RawEntry> parse(Buffer body, long start, String url) {
        List<RawEntry> entries = new ArrayList<>();
        try (JsonParser p = parser(body)) {
            expect(p.nextToken() == JsonToken.START_OBJECT, "expected a JSON object");
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                String field = p.currentName();
                p.nextToken();
                if (!field.equals("entries")) {
                    p.skipChildren();
                    continue;
                }
                expect(p.currentToken() == JsonToken.START_ARRAY, "\"entries\" is not an array");
                while (p.nextToken() == JsonToken.START_OBJECT) {
                    byte[] leaf = null;
                    byte[] extra = null;
                    while (p.nextToken() == JsonToken.FIELD_NAME) {
                        String name = p.currentName();
                        p.nextToken();
                        if (name.equals("leaf_input")) {
                            leaf = base64(p, name);
                        } else if (name.equals("extra_data")) {
                            extra = base64(p, name);
                        } else {
                            p.skipChildren();
                        }
                    }
                    expect(leaf != null && extra != null, "entry " + (start + entries.size()) + " lacks leaf_input or extra_data");
                    entries.add(new RawEntry(start + entries.size(), leaf, extra));
                }
            }
        } catch (IOException | IllegalArgumentException e) {
            throw new LogFetchException(FaultKind.BAD_RESPONSE, url + ": malformed get-entries body: " + e.getMessage(), 0);
        }
        return entries;
    }

    /** A base64 string; a number or an object there (whose text may well decode as base64) is a bad answer. */
    private static byte[] base64(JsonParser p, String field) throws IOException {
        expect(p.currentToken() == JsonToken.VALUE_STRING, field + " is not a string but " + p.currentToken());
        return Base64.getDecoder().decode(p.getText());
    }

    /** Reads the body where it lies when it is backed by an array: {@code getBytes()} would copy megabytes per batch. */
    private static JsonParser parser(Buffer body) throws IOException {
        if (body instanceof BufferInternal internal) {
            ByteBuf buf = internal.getByteBuf();
            if (buf.hasArray()) {
                return JSON.createParser(buf.array(), buf.arrayOffset() + buf.readerIndex(), buf.readableBytes());
            }
        }
        return JSON.createParser(body.getBytes());
    }

    private static void expect(boolean condition, String message) {
        if (!condition) {
            throw new IllegalArgumentException(message);
        }
    }
}
