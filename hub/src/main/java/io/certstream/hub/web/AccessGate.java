package io.certstream.hub.web;

import io.certstream.hub.config.AccessConfig;
import io.certstream.hub.config.AccessConfig.Token;
import io.certstream.hub.config.Cidr;
import io.certstream.hub.metrics.AccessMetrics;
import io.certstream.hub.wire.StreamType;
import io.netty.channel.Channel;
import io.vertx.core.Handler;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpConnection;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.json.JsonObject;
import io.vertx.core.net.impl.ConnectionBase;
import io.vertx.ext.web.RoutingContext;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.logging.Logger;

/**
 * The door of a web verticle instance: the first route of its router and hooks on its HTTP server. It decides
 * before any upgrade, so a refused client costs one short answer and no websocket, SSE stream or SockJS session:
 * <ul>
 *   <li>{@code server.allowedIps}: any other address gets 403 for everything; {@code server.monitoringAllowedIps}
 *       the same for {@code /metrics} and {@code /stats};</li>
 *   <li>tokens ({@code server.tokens}): a stream (websocket upgrade on a stream path, {@code /sse}, anything under
 *       {@code /eventbus}) without a known token gets 401, one whose token does not open that stream 403;</li>
 *   <li>limits: a streaming connection past {@code server.maxConnections}, {@code server.maxConnectionsPerIp} or its
 *       token's {@code maxConnections} gets 429; its place is freed when the connection closes;</li>
 *   <li>a connection silent for {@code server.headerTimeoutSeconds} before its request head is complete (or
 *       between requests) is closed, and request heads Vert.x rejects (too large, malformed) are counted.</li>
 * </ul>
 * Every refusal is counted by reason ({@link AccessMetrics}); its answer and log line name the rule, never the token.
 * Other endpoints (e.g. a new {@code /sse} route) are covered by path here, or call {@link #admit} themselves.
 */
public final class AccessGate implements Handler<RoutingContext> {
    private static final Logger LOG = Logger.getLogger(AccessGate.class.getName());
    public static final String SSE_PATH = "/sse";
    public static final String EVENTBUS_PATH = "/eventbus";
    private static final String ADMITTED = "certstream.access.admitted";

    private final AccessConfig config;
    private final ConnectionLimits limits;
    private final AccessMetrics metrics;
    private final List<byte[]> tokenHashes;
    /** This instance's connections that hold a place (touched on its event loop only). */
    private final Map<HttpConnection, ConnectionLimits.Lease> leases = new HashMap<>();


    private final TlsFiles tls;

    /** @param tls the hub's certificate, or null for plain http */
    public AccessGate(AccessConfig config, ConnectionLimits limits, AccessMetrics metrics, TlsFiles tls) {
        this.config = config;
        this.tls = tls;
        this.limits = limits;
        this.metrics = metrics;
        this.tokenHashes = config.tokens().stream().map(t -> sha256(t.secret())).toList();
    }

    /**
     * TLS on the options when {@code server.tls} is set, and the idle timeout that closes a connection silent for
     * {@code server.headerTimeoutSeconds} while it sends its request head or between requests (streams are exempt:
     * {@link #handle} lifts it from their connection once their head is complete). HTTP/1.1 only: no cleartext
     * HTTP/2 upgrade (h2c, on by default in Vert.x), which nothing of the hub needs (websockets and SSE are HTTP/1.1,
     * and there is no HTTP/2 over TLS either) and which would bring HTTP/2's attack surface (rapid reset) and, for a
     * client that asks for it (Java's HttpClient does by default), about 150 more classes in memory.
     */
    public io.vertx.core.http.HttpServerOptions secure(io.vertx.core.http.HttpServerOptions options) {
        options.setIdleTimeout(config.headerTimeoutSeconds()).setIdleTimeoutUnit(java.util.concurrent.TimeUnit.SECONDS)
                .setHttp2ClearTextEnabled(false);
        return tls == null ? options : options.setSsl(true).setKeyCertOptions(tls.keyCert());
    }

    /** Hooks the server: counted bad request heads (too large, malformed), renewed certificates. */
    public HttpServer install(Vertx vertx, HttpServer server) {
        if (tls != null) {
            tls.serve(server);
        }
        return server.invalidRequestHandler(request -> {
            metrics.refused("bad_request");
            HttpServerRequest.DEFAULT_INVALID_REQUEST_HANDLER.handle(request);
        });
    }

    /**
     * Runs {@code action} when the connection's socket closes. The Netty channel says so even after a websocket
     * upgrade, when Vert.x no longer calls the HTTP connection's close handler.
     */
    private static void onClose(HttpConnection connection, Runnable action) {
        Channel channel = channel(connection);
        if (channel != null) {
            channel.closeFuture().addListener(f -> action.run());
        } else {
            connection.closeHandler(v -> action.run());
        }
    }

    private static Channel channel(HttpConnection connection) {
        return connection instanceof ConnectionBase base ? base.channel() : null;
    }

    @Override
    public void handle(RoutingContext ctx) {
        HttpServerRequest request = ctx.request();
        String path = pathOf(request);
        boolean monitoring = "/metrics".equals(path) || "/stats".equals(path);
        // The address is parsed only when a list needs it: most hubs have no allowlist.
        byte[] address = config.allowedIps().isEmpty() && (!monitoring || config.monitoringAllowedIps().isEmpty())
                ? null : Cidr.literal(clientIp(request));
        if (!allowed(config.allowedIps(), address)) {
            refuse(ctx, 403, "ip_not_allowed", "your address may not use this hub (server.allowedIps)");
            return;
        }
        if (monitoring && !allowed(config.monitoringAllowedIps(), address)) {
            refuse(ctx, 403, "monitoring_not_allowed", "your address may not read " + path + " (server.monitoringAllowedIps)");
            return;
        }
        String stream = streamOf(request);
        if (stream == null || ctx.get(ADMITTED) != null) {
            ctx.next();
            return;
        }
        // A stream may be silent for long (SockJS polls, a quiet log): the idle timeout is for request heads only.
        Channel channel = channel(request.connection());
        if (channel != null && channel.pipeline().get("idle") != null) {
            channel.pipeline().remove("idle");
        }
        if (admit(ctx, stream)) {
            ctx.next();
        }
    }

    /**
     * For a stream request: checks the token and, when the request opens a lasting connection, the limits; answers
     * 401/403/429 and returns false if refused. A connection that already holds a place keeps it (no double count).
     */
    public boolean admit(RoutingContext ctx, String stream) {
        ctx.put(ADMITTED, true);
        HttpServerRequest request = ctx.request();
        Token token = null;
        if (config.tokensRequired()) {
            token = token(request);
            if (token == null) {
                ctx.response().putHeader("WWW-Authenticate", "Bearer realm=\"certstream\"");
                refuse(ctx, 401, "unauthorized", "a valid token is required: send \"Authorization: Bearer TOKEN\" or add ?token=TOKEN");
                return false;
            }
            if (!token.streams().isEmpty() && !token.streams().contains(stream)) {
                refuse(ctx, 403, "stream_not_allowed", "this token does not open the " + stream + " stream (it opens "
                        + String.join(", ", token.streams()) + ")");
                return false;
            }
        }
        if (!lasting(request)) {
            return true;
        }
        HttpConnection connection = request.connection();
        if (leases.containsKey(connection)) {
            return true;
        }
        Object result = limits.acquire(clientIp(request), token);
        if (result instanceof ConnectionLimits.Refused refused) {
            ctx.response().putHeader("Retry-After", "30");
            refuse(ctx, 429, refused.reason(), refused.message());
            return false;
        }
        ConnectionLimits.Lease lease = (ConnectionLimits.Lease) result;
        leases.put(connection, lease);
        onClose(connection, () -> {
            leases.remove(connection);
            lease.release();
        });
        return true;
    }

    /** The stream a request asks for, or null when it is not a stream request. */
    static String streamOf(HttpServerRequest request) {
        String path = pathOf(request);
        if (isUpgrade(request)) {
            for (StreamType type : StreamType.values()) {
                if (type.path().equals(path)) {
                    return type.label();
                }
            }
        }
        if (path.equals(SSE_PATH) || path.startsWith(SSE_PATH + "/")) {
            String named = request.getParam("stream");
            String tail = path.length() > SSE_PATH.length() + 1 ? path.substring(SSE_PATH.length() + 1) : "";
            for (String candidate : new String[]{named, tail}) {
                if (candidate != null && AccessConfig.STREAM_NAMES.contains(candidate)) {
                    return candidate;
                }
            }
            return candidate(path);
        }
        if (path.equals(EVENTBUS_PATH) || path.startsWith(EVENTBUS_PATH + "/")) {
            return "eventbus";
        }
        return null;
    }

    private static String candidate(String path) {
        return path.contains("full") ? "full-stream" : path.contains("domains") ? "domains-only" : "lite";
    }

    /** Requests that hold their connection open for a stream; SockJS's polling requests come and go, uncounted. */
    private static boolean lasting(HttpServerRequest request) {
        String path = pathOf(request);
        if (isUpgrade(request) || path.equals(SSE_PATH) || path.startsWith(SSE_PATH + "/")) {
            return true;
        }
        return path.startsWith(EVENTBUS_PATH + "/")
                && (path.endsWith("/xhr_streaming") || path.endsWith("/eventsource") || path.endsWith("/htmlfile"));
    }

    private static String pathOf(HttpServerRequest request) {
        String path = request.path();
        return path == null ? "" : path;
    }

    private static boolean isUpgrade(HttpServerRequest request) {
        String upgrade = request.getHeader(HttpHeaders.UPGRADE);
        return upgrade != null && upgrade.equalsIgnoreCase("websocket");
    }

    /** The client's address: the socket's, or behind a trusted proxy the last {@code X-Forwarded-For} entry. */
    public String clientIp(HttpServerRequest request) {
        if (config.trustForwardedFor()) {
            String forwarded = request.getHeader("X-Forwarded-For");
            if (forwarded != null) {
                // The last entry is the one the proxy itself added; earlier ones are whatever the client claimed.
                String last = forwarded.substring(forwarded.lastIndexOf(',') + 1).trim();
                if (Cidr.literal(last) != null) {
                    return last;
                }
            }
        }
        return request.remoteAddress() == null ? "unknown" : request.remoteAddress().hostAddress();
    }

    private static boolean allowed(List<Cidr> list, byte[] address) {
        if (list.isEmpty()) {
            return true;
        }
        for (Cidr cidr : list) {
            if (cidr.contains(address)) {
                return true;
            }
        }
        return false;
    }

    /** The configured token the request presents, or null. Compares digests in constant time. */
    private Token token(HttpServerRequest request) {
        String presented = null;
        String authorization = request.getHeader(HttpHeaders.AUTHORIZATION);
        if (authorization != null && authorization.regionMatches(true, 0, "Bearer ", 0, 7)) {
            presented = authorization.substring(7).trim();
        }
        if (presented == null || presented.isEmpty()) {
            presented = request.getParam("token");
        }
        if (presented == null || presented.isEmpty() || presented.length() > 4096) {
            return null;
        }
        byte[] hash = sha256(presented);
        Token found = null;
        for (int i = 0; i < tokenHashes.size(); i++) {
            if (MessageDigest.isEqual(hash, tokenHashes.get(i))) {
                found = config.tokens().get(i);
            }
        }
        return found;
    }

    private void refuse(RoutingContext ctx, int status, String reason, String message) {
        metrics.refused(reason);
        LOG.fine(() -> "refused " + ctx.request().method() + " " + ctx.request().path() + " from "
                + clientIp(ctx.request()) + ": " + status + " " + reason);
        ctx.response().setStatusCode(status)
                .putHeader(HttpHeaders.CONTENT_TYPE, "application/json")
                // Refused clients do not get to keep the connection for another try on it.
                .putHeader(HttpHeaders.CONNECTION, "close")
                .end(new JsonObject().put("error", message).put("reason", reason).encode());
    }

    private static byte[] sha256(String text) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
