package io.certstream.hub.ct.rfc6962;

import io.certstream.hub.ct.LogFetchException;
import io.certstream.hub.decode.RawEntry;
import com.fasterxml.jackson.core.Base64Variant;
import com.fasterxml.jackson.core.Base64Variants;
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
    /** RFC 4648 base64 as the logs send it; padding optional, as for java.util.Base64. */
    private static final Base64Variant BASE64 = Base64Variants.MIME_NO_LINEFEEDS
            .withReadPadding(Base64Variant.PaddingReadBehaviour.PADDING_ALLOWED);

    private EntriesParser() {
    }

    /**
     * The entries of a get-entries body. Base64 is decoded by the JSON parser straight from the body's bytes (no
     * String of each value, about a tenth of the hub's CPU per certificate in catch-up when it made one). Where a
     * value is not base64, the parser cannot go on reliably after its error: the body is then read again the careful
     * way, value by value through java.util.Base64, which makes that entry a broken entry and keeps the others.
     */
    public static List<RawEntry> parse(Buffer body, long start, String url) {
        try {
            return parse(body, start, url, true);
        } catch (NotBase64 e) {
            return parse(body, start, url, false);
        }
    }

    private static List<RawEntry> parse(Buffer body, long start, String url, boolean fast) {
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
                    entries.add(entry(p, token, start + entries.size(), fast));
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
    private static RawEntry entry(JsonParser p, JsonToken token, long index, boolean fast) throws IOException {
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
                } else if (fast) {
                    bytes = binary(p);
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

    /** The current string value decoded as base64 by the parser; {@link NotBase64} when it is not base64. */
    private static byte[] binary(JsonParser p) {
        try {
            return p.getBinaryValue(BASE64);
        } catch (IOException | IllegalArgumentException e) {
            throw new NotBase64();
        }
    }

    /** A value that is not base64 on the fast path: read the body again the careful way. */
    private static final class NotBase64 extends RuntimeException {
        NotBase64() {
            super(null, null, false, false);
        }
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
