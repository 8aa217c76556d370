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
 * numbered from {@code start}, without building a JSON tree: these bodies are megabytes during catch-up. Only an
 * answer that is not a JSON object with an {@code entries} array is a {@code bad_response}; one unusable element
 * of the array is one {@link RawEntry#broken broken entry} at its index.
 */
public final class EntriesParser {
    private static final JsonFactory JSON = new JsonFactory();

    private EntriesParser() {
    }

    public static List<RawEntry> parse(Buffer body, long start, String url) {
        if (body instanceof BufferInternal internal && internal.getByteBuf().hasArray()) {
            ByteBuf buf = internal.getByteBuf();
            List<RawEntry> plain = PlainBody.entries(buf.array(), buf.arrayOffset() + buf.readerIndex(),
                    buf.arrayOffset() + buf.writerIndex(), start);
            if (plain != null) {
                return plain;
            }
        }
        return parseJson(body, start, url);
    }

    /** The body read with the JSON parser: every body that is not in {@link PlainBody}'s shape. */
    static List<RawEntry> parseJson(Buffer body, long start, String url) {
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
                JsonToken token;
                while ((token = p.nextToken()) != JsonToken.END_ARRAY) {
                    expect(token != null, "the body ends inside the entries array");
                    entries.add(entry(p, token, start + entries.size()));
                }
            }
        } catch (IOException | IllegalArgumentException e) {
            throw new LogFetchException(FaultKind.BAD_RESPONSE, url + ": malformed get-entries body: " + e.getMessage(), 0);
        }
        return entries;
    }

    /**
     * One element of the entries array. An element that is well-formed JSON but not a usable entry (a field missing,
     * not a string, not base64, not an object at all) is one broken entry, not a broken answer: it comes back as
     * {@link RawEntry#broken}, counted and skipped by the decoder, so that the entries around it still stream.
     */
    private static RawEntry entry(JsonParser p, JsonToken token, long index) throws IOException {
        if (token != JsonToken.START_OBJECT) {
            p.skipChildren();
            return RawEntry.broken(index, "the get-entries element is not a JSON object but " + token);
        }
        byte[] leaf = null;
        byte[] extra = null;
        String problem = null;
        while (p.nextToken() == JsonToken.FIELD_NAME) {
            String name = p.currentName();
            p.nextToken();
            if (name.equals("leaf_input") || name.equals("extra_data")) {
                byte[] bytes = null;
                if (p.currentToken() != JsonToken.VALUE_STRING) {
                    // A number or an object there (whose text may well decode as base64) is not an entry either.
                    problem = name + " is not a string but " + p.currentToken();
                    p.skipChildren();
                } else {
                    try {
                        bytes = Base64.getDecoder().decode(p.getText());
                    } catch (IllegalArgumentException e) {
                        problem = name + " is not base64: " + e.getMessage();
                    }
                }
                if (name.equals("leaf_input")) {
                    leaf = bytes;
                } else {
                    extra = bytes;
                }
            } else {
                p.skipChildren();
            }
        }
        if (problem == null && (leaf == null || extra == null)) {
            problem = "the get-entries element lacks " + (leaf == null ? "leaf_input" : "extra_data");
        }
        return problem == null ? new RawEntry(index, leaf, extra) : RawEntry.broken(index, problem);
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
