package io.certstream.hub.web;

import io.certstream.hub.config.AccessConfig;
import io.certstream.hub.config.AccessConfig.Token;
import io.certstream.hub.config.Cidr;
import io.certstream.hub.metrics.AccessMetrics;
import io.certstream.hub.wire.StreamType;
import io.vertx.core.Handler;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpConnection;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.json.JsonObject;
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
 *   <li>a connection that sends no complete request head within {@code server.headerTimeoutSeconds} is closed, and
 *       request heads Vert.x rejects (too large, malformed) are counted.</li>
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
    /** This instance's connections (touched on its event loop only): the lease each holds, if any. */
    private final Map<HttpConnection, Tracked> connections = new HashMap<>();
    private Vertx vertx;

    private static final class Tracked {
        long headerTimer = -1;
        ConnectionLimits.Lease lease;
    }

    private final TlsFiles tls;

    /** @param tls the hub's certificate, or null for plain http */
    public AccessGate(AccessConfig config, ConnectionLimits limits, AccessMetrics metrics, TlsFiles tls) {
        this.config = config;
        this.tls = tls;
        this.limits = limits;
        this.metrics = metrics;
        this.tokenHashes = config.tokens().stream().map(t -> sha256(t.secret())).toList();
    }

    /** TLS on the options when {@code server.tls} is set. */
    public io.vertx.core.http.HttpServerOptions secure(io.vertx.core.http.HttpServerOptions options) {
        return tls == null ? options : options.setSsl(true).setKeyCertOptions(tls.keyCert());
    }

    /** Hooks the server: header timeout and lease release per connection, counted bad request heads, renewed certificates. */
    public HttpServer install(Vertx vertx, HttpServer server) {
        this.vertx = vertx;
        if (tls != null) {
            tls.serve(server);
        }
        return server.connectionHandler(this::connected).invalidRequestHandler(request -> {
            metrics.refused("bad_request");
            HttpServerRequest.DEFAULT_INVALID_REQUEST_HANDLER.handle(request);
        });
    }

    private void connected(HttpConnection connection) {
        Tracked tracked = new Tracked();
        connections.put(connection, tracked);
        tracked.headerTimer = vertx.setTimer(config.headerTimeoutSeconds() * 1000L, t -> {
            tracked.headerTimer = -1;
            metrics.refused("header_timeout");
            LOG.fine(() -> "closing a connection from " + connection.remoteAddress() + ": no complete request within "
                    + config.headerTimeoutSeconds() + " s (server.headerTimeoutSeconds)");
            connection.close();
        });
        connection.closeHandler(v -> {
            Tracked gone = connections.remove(connection);
            if (gone != null) {
                vertx.cancelTimer(gone.headerTimer);
                if (gone.lease != null) {
                    gone.lease.release();
                }
            }
        });
    }

    @Override
    public void handle(RoutingContext ctx) {
        HttpServerRequest request = ctx.request();
        Tracked tracked = connections.get(request.connection());
        if (tracked != null && tracked.headerTimer >= 0) {
            vertx.cancelTimer(tracked.headerTimer);
            tracked.headerTimer = -1;
        }
        String path = pathOf(request);
        byte[] address = Cidr.literal(clientIp(request));
        if (!allowed(config.allowedIps(), address)) {
            refuse(ctx, 403, "ip_not_allowed", "your address may not use this hub (server.allowedIps)");
            return;
        }
        if (("/metrics".equals(path) || "/stats".equals(path)) && !allowed(config.monitoringAllowedIps(), address)) {
            refuse(ctx, 403, "monitoring_not_allowed", "your address may not read " + path + " (server.monitoringAllowedIps)");
            return;
        }
        String stream = streamOf(request);
        if (stream == null || ctx.get(ADMITTED) != null) {
            ctx.next();
            return;
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
        Tracked tracked = connections.get(request.connection());
        if (tracked != null && tracked.lease != null) {
            return true;
        }
        Object result = limits.acquire(clientIp(request), token);
        if (result instanceof ConnectionLimits.Refused refused) {
            ctx.response().putHeader("Retry-After", "30");
            refuse(ctx, 429, refused.reason(), refused.message());
            return false;
        }
        ConnectionLimits.Lease lease = (ConnectionLimits.Lease) result;
        if (tracked == null) {
            // Not seen by install() (e.g. a test router): freed when the response ends or the connection closes.
            request.connection().closeHandler(v -> lease.release());
        } else {
            tracked.lease = lease;
        }
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
