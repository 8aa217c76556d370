package io.certstream.hub.ct;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import io.vertx.core.buffer.Buffer;

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
        try (JsonParser p = JSON.createParser(body.getBytes())) {
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
                            leaf = Base64.getDecoder().decode(p.getText());
                        } else if (name.equals("extra_data")) {
                            extra = Base64.getDecoder().decode(p.getText());
                        } else {
                            p.skipChildren();
                        }
                    }
                    expect(leaf != null && extra != null, "entry " + (start + entries.size()) + " lacks leaf_input or extra_data");
                    entries.add(new RawEntry(start + entries.size(), leaf, extra));
                }
            }
        } catch (IOException | IllegalArgumentException e) {
            throw new LogFetchException("bad_response", url + ": malformed get-entries body: " + e.getMessage(), 0);
        }
        return entries;
    }

    private static void expect(boolean condition, String message) {
        if (!condition) {
            throw new IllegalArgumentException(message);
        }
    }
}
