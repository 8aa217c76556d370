package io.certstream.hub.config;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Who may use a public hub and how much: connection limits, tokens, IP allowlists and TLS. All keys live under
 * {@code server} (README "Run a public hub"). Tokens are secrets: {@link #toString()} and {@link #summary()} never
 * show them, and no error message quotes one.
 *
 * @param maxConnections       most streaming connections (websocket, SSE, SockJS) at once; 0: no limit
 * @param maxConnectionsPerIp  most streaming connections from one client address; 0: no limit
 * @param trustForwardedFor    take the client address from the last {@code X-Forwarded-For} entry (behind a proxy)
 * @param tokens               non-empty: a stream needs one of these tokens
 * @param tokensSource         where the tokens came from ({@code server.tokens} or an environment variable), for messages
 * @param allowedIps           non-empty: only these addresses (CIDRs) may use the hub at all
 * @param monitoringAllowedIps non-empty: only these addresses may read {@code /metrics} and {@code /stats}
 * @param headerTimeoutSeconds a connection that has not sent a complete request head this long is closed
 * @param tls                  https/wss, or null for plain http/ws
 */
public record AccessConfig(int maxConnections, int maxConnectionsPerIp, boolean trustForwardedFor,
                           List<Token> tokens, String tokensSource, List<Cidr> allowedIps,
                           List<Cidr> monitoringAllowedIps, int headerTimeoutSeconds, TlsConfig tls) {

    /** The keys of {@code server} read here. */
    static final String[] KEYS = {"maxConnections", "maxConnectionsPerIp", "trustForwardedFor", "tokens", "tokensEnv",
            "allowedIps", "monitoringAllowedIps", "headerTimeoutSeconds", "tls"};
    /** What a token's {@code streams} may name: the three websocket streams (also over /sse) and the SockJS bridge. */
    public static final Set<String> STREAM_NAMES = Set.of("lite", "full-stream", "domains-only", "eventbus");

    /**
     * One accepted token.
     *
     * @param name           how {@code /stats} and log lines refer to it ({@code token-1} unless named): never the token
     * @param maxConnections most connections with this token at once; 0: only the global limits
     * @param streams        the streams it opens (see {@link #STREAM_NAMES}); empty: all
     */
    public record Token(String name, String secret, int maxConnections, Set<String> streams) {
        @Override
        public String toString() {
            return "Token[" + name + "]";
        }
    }

    /** @param reloadSeconds how often the files are checked for a change (a renewed certificate) */
    public record TlsConfig(Path certFile, Path keyFile, int reloadSeconds) {
    }

    public boolean tokensRequired() {
        return !tokens.isEmpty();
    }

    static AccessConfig read(ConfigReader s, Map<String, String> env) {
        List<Token> tokens = new ArrayList<>();
        String tokensSource = s.sourceOf("tokens");
        Object raw = s.raw("tokens");
        if (raw != null && !(raw instanceof JsonArray)) {
            throw s.error("tokens", "must be a JSON array of tokens (strings or {\"token\": ..., \"name\": ...,"
                    + " \"maxConnections\": ..., \"streams\": [...]}), got " + (raw instanceof String ? "a string" : ConfigReader.describe(raw)));
        }
        if (raw != null) {
            JsonArray array = (JsonArray) raw;
            for (int i = 0; i < array.size(); i++) {
                tokens.add(token(s, "tokens[" + i + "]", array.getValue(i), i + 1));
            }
        }
        String tokensEnv = s.string("tokensEnv");
        if (!tokensEnv.isBlank()) {
            String value = env.get(tokensEnv);
            if (value == null || value.isBlank()) {
                throw s.error("tokensEnv", "names the environment variable " + tokensEnv
                        + ", which is not set or empty (it must hold a comma-separated list of tokens)");
            }
            tokensSource = "environment variable " + tokensEnv + " (server.tokensEnv)";
            for (String item : value.split(",")) {
                if (!item.isBlank()) {
                    tokens.add(token(s, "tokensEnv", item.trim(), tokens.size() + 1));
                }
            }
        }
        Set<String> names = new HashSet<>();
        Set<String> secrets = new HashSet<>();
        for (Token t : tokens) {
            if (!names.add(t.name())) {
                throw s.error("tokens", "names two tokens \"" + t.name() + "\"; token names must be unique");
            }
            if (!secrets.add(t.secret())) {
                throw s.error("tokens", "lists the token named \"" + t.name() + "\" twice");
            }
        }
        ConfigReader tls = s.object("tls").allowOnly("certFile", "keyFile", "reloadSeconds");
        String cert = tls.string("certFile");
        String key = tls.string("keyFile");
        TlsConfig tlsConfig = null;
        if (!cert.isBlank() || !key.isBlank()) {
            if (cert.isBlank() || key.isBlank()) {
                throw tls.error(cert.isBlank() ? "certFile" : "keyFile", "is required when server.tls."
                        + (cert.isBlank() ? "keyFile" : "certFile") + " is set (both PEM files are needed for TLS)");
            }
            tlsConfig = new TlsConfig(Path.of(cert), Path.of(key), tls.integer("reloadSeconds", 1, 86_400));
            PemFiles.check(tlsConfig.certFile(), tlsConfig.keyFile(), tls.key("certFile"), tls.key("keyFile"));
        }
        return new AccessConfig(
                s.integer("maxConnections", 0, Integer.MAX_VALUE),
                s.integer("maxConnectionsPerIp", 0, Integer.MAX_VALUE),
                s.bool("trustForwardedFor"),
                List.copyOf(tokens), tokensSource,
                cidrs(s, "allowedIps"), cidrs(s, "monitoringAllowedIps"),
                s.integer("headerTimeoutSeconds", 1, 3600),
                tlsConfig);
    }

    private static Token token(ConfigReader s, String key, Object value, int number) {
        if (value instanceof String secret) {
            return new Token("token-" + number, checkSecret(s, key, secret), 0, Set.of());
        }
        if (!(value instanceof JsonObject object)) {
            throw s.error(key, "must be a string or an object with \"token\", got " + (value == null ? "null" : "a " + value.getClass().getSimpleName()));
        }
        ConfigReader t = new ConfigReader(object, s.key(key), k -> s.sourceOf(key));
        t.allowOnly("token", "name", "maxConnections", "streams");
        Set<String> streams = new LinkedHashSet<>(t.raw("streams") == null ? List.of() : t.strings("streams"));
        for (String stream : streams) {
            if (!STREAM_NAMES.contains(stream)) {
                throw t.error("streams", "contains unknown stream \"" + stream + "\" (streams: lite, full-stream, domains-only, eventbus)");
            }
        }
        return new Token(t.optionalString("name", "token-" + number), checkSecret(t, "token", t.requiredString("token")),
                t.raw("maxConnections") == null ? 0 : t.integer("maxConnections", 0, Integer.MAX_VALUE), Set.copyOf(streams));
    }

    /** The token itself is never quoted: the message says what is wrong with it. */
    private static String checkSecret(ConfigReader r, String key, String secret) {
        if (secret.isBlank()) {
            throw r.error(key, "has an empty token");
        }
        for (char c : secret.toCharArray()) {
            if (c <= ' ' || c == ',' || c > '~') {
                throw r.error(key, "has a token with a space, comma or non-ASCII character (tokens travel in headers and URLs)");
            }
        }
        return secret;
    }

    private static List<Cidr> cidrs(ConfigReader s, String key) {
        List<Cidr> out = new ArrayList<>();
        for (String text : s.strings(key)) {
            try {
                out.add(Cidr.parse(text));
            } catch (IllegalArgumentException e) {
                throw s.error(key, e.getMessage());
            }
        }
        return List.copyOf(out);
    }

    /** For {@code --check-config} and the start-up log: every value, tokens masked. */
    public JsonObject summary() {
        JsonArray tokenList = new JsonArray();
        for (Token t : tokens) {
            tokenList.add(new JsonObject().put("name", t.name()).put("token", "***")
                    .put("maxConnections", t.maxConnections()).put("streams", new JsonArray(new ArrayList<>(t.streams()))));
        }
        return new JsonObject()
                .put("maxConnections", maxConnections)
                .put("maxConnectionsPerIp", maxConnectionsPerIp)
                .put("trustForwardedFor", trustForwardedFor)
                .put("tokens", tokenList)
                .put("allowedIps", new JsonArray(allowedIps.stream().map(Cidr::toString).toList()))
                .put("monitoringAllowedIps", new JsonArray(monitoringAllowedIps.stream().map(Cidr::toString).toList()))
                .put("headerTimeoutSeconds", headerTimeoutSeconds)
                .put("tls", tls == null ? null : new JsonObject().put("certFile", tls.certFile().toString())
                        .put("keyFile", tls.keyFile().toString()).put("reloadSeconds", tls.reloadSeconds()));
    }

    @Override
    public String toString() {
        return "AccessConfig" + summary().encode();
    }
}
