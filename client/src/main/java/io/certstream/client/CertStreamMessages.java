package io.certstream.client;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Parses CertStream JSON messages into typed {@link CertStreamMessage}s.
 *
 * <p>Tolerant by design: servers differ (CaliDog, certstream-server-go, this project's hub) and keep
 * adding fields, so unknown fields are ignored and missing ones become null/empty. Messages of an
 * unknown {@code message_type} are skipped (empty result) rather than treated as errors, so a newer
 * server does not break an older client.
 */
public final class CertStreamMessages {

    // Thread-safe once configured; one mapper for the whole library.
    private static final ObjectMapper MAPPER = JsonMapper.builder()
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .enable(DeserializationFeature.ACCEPT_FLOAT_AS_INT)
            .build();

    private CertStreamMessages() {
    }

    /**
     * Parses one message.
     *
     * @param json the text of one websocket message
     * @return the typed message, or empty when its {@code message_type} is not one this library knows
     * @throws IllegalArgumentException when the text is not a JSON object with a {@code message_type},
     *                                  or a known message does not have the documented shape
     */
    public static Optional<CertStreamMessage> parse(String json) {
        JsonNode root;
        try {
            root = MAPPER.readTree(json);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("not a CertStream message: invalid JSON: " + e.getOriginalMessage(), e);
        }
        if (root == null || !root.isObject() || !root.path("message_type").isTextual()) {
            throw new IllegalArgumentException("not a CertStream message: no \"message_type\" in " + abbreviate(json));
        }
        String type = root.get("message_type").asText();
        try {
            return switch (type) {
                case CertificateMessage.TYPE ->
                        Optional.of(new CertificateMessage(MAPPER.treeToValue(root.path("data"), CertificateData.class), json));
                case DomainsMessage.TYPE -> Optional.of(new DomainsMessage(textList(root.path("data")), json));
                case HeartbeatMessage.TYPE -> Optional.of(new HeartbeatMessage(root.path("timestamp").asDouble(0), json));
                case GapMessage.TYPE -> Optional.of(new GapMessage(textOrNull(root.path("since")),
                        textOrNull(root.path("oldest")), root.path("missing_seconds").asDouble(0),
                        textOrNull(root.path("message")), json));
                default -> Optional.empty();
            };
        } catch (JsonProcessingException | RuntimeException e) {
            throw new IllegalArgumentException("malformed " + type + " message: " + e.getMessage(), e);
        }
    }

    /**
     * The message's {@code "cursor"} (this project's hub puts one in every certificate and domains message, right
     * after {@code message_type}), or null when it has none. Reads only the head of the text, no second parse.
     */
    public static String cursor(String json) {
        int key = json.indexOf("\"cursor\":\"");
        if (key < 0 || key > 200) {
            return null;
        }
        int start = key + "\"cursor\":\"".length();
        int end = json.indexOf('"', start);
        return end < 0 ? null : json.substring(start, end);
    }

    private static String textOrNull(JsonNode node) {
        return node.isTextual() ? node.asText() : null;
    }

    private static List<String> textList(JsonNode array) {
        List<String> out = new ArrayList<>(array.size());
        array.forEach(node -> {
            if (node.isTextual()) {
                out.add(node.asText());
            }
        });
        return out;
    }

    private static String abbreviate(String text) {
        return text.length() <= 120 ? text : text.substring(0, 117) + "...";
    }
}
