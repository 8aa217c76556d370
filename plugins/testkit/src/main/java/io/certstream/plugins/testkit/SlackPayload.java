package io.certstream.plugins.testkit;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.util.ArrayList;
import java.util.List;

/**
 * What a Slack incoming webhook checks before it accepts a message (api.slack.com/messaging/webhooks and
 * api.slack.com/reference/block-kit/blocks), for fake Slack endpoints in tests: JSON with a non-empty
 * {@code text} (the notification), at most 50 blocks of known types, header text plain and at most 150
 * characters, section text mrkdwn and at most 3000 characters.
 */
public final class SlackPayload {
    private SlackPayload() {
    }

    /** What is wrong with a request to the fake Slack; empty when Slack would take it. */
    public static List<String> problems(HttpReceiver.Request r, String expectedPath) {
        List<String> problems = new ArrayList<>();
        if (!expectedPath.equals(r.path())) {
            problems.add("path " + r.path());
        }
        if (!"POST".equals(r.method())) {
            problems.add("method " + r.method());
        }
        if (!String.valueOf(r.headers().get("Content-Type")).startsWith("application/json")) {
            problems.add("content type " + r.headers().get("Content-Type"));
        }
        JsonObject json;
        try {
            json = r.json();
        } catch (RuntimeException e) {
            problems.add("not a JSON object");
            return problems;
        }
        if (!(json.getValue("text") instanceof String text) || text.isBlank()) {
            problems.add("no text");
        }
        if (!(json.getValue("blocks") instanceof JsonArray blocks) || blocks.isEmpty() || blocks.size() > 50) {
            problems.add("blocks must be 1..50 blocks");
            return problems;
        }
        for (Object b : blocks) {
            if (!(b instanceof JsonObject block)) {
                problems.add("block is not an object: " + b);
                continue;
            }
            JsonObject t = block.getJsonObject("text");
            switch (block.getString("type", "")) {
                case "header" -> {
                    if (t == null || !"plain_text".equals(t.getString("type")) || t.getString("text", "").isEmpty()
                            || t.getString("text").length() > 150) {
                        problems.add("bad header " + t);
                    }
                }
                case "section" -> {
                    if (t == null || !"mrkdwn".equals(t.getString("type")) || t.getString("text", "").isEmpty()
                            || t.getString("text").length() > 3000) {
                        problems.add("bad section " + t);
                    }
                }
                case "divider" -> { }
                default -> problems.add("unknown block type " + block.getString("type"));
            }
        }
        return problems;
    }
}
