package io.certstream.client;

import io.certstream.retry.Backoff;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.UpgradeRejectedException;
import io.vertx.core.http.WebSocket;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.http.WebSocketClientOptions;
import io.vertx.core.http.WebSocketConnectOptions;
import io.vertx.core.streams.ReadStream;
import java.net.ConnectException;
import java.net.URI;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import javax.net.ssl.SSLException;

/**
 * A websocket client for any CertStream server: this project's hub, CaliDog certstream-server or
 * certstream-server-go. It keeps one connection open for as long as it runs: it reconnects with
 * exponential backoff and jitter when the server is down or the connection drops, pings the server
 * (certstream-server-go requires it) and reconnects when the connection goes silent.
 *
 * <p>Receive messages with a {@link CertStreamListener}, or as a Vert.x {@link ReadStream} from
 * {@link #messages()} (pausing it pauses the websocket, so the server sees back-pressure):
 * <pre>{@code
 * Vertx vertx = Vertx.vertx();
 * CertStreamClient client = CertStreamClient.create(vertx, CertStreamOptions.defaults()
 *     .withUrl("ws://localhost:8080/").withStream(StreamType.LITE));
 * client.listener(new CertStreamListener() {
 *   public void onCertificate(CertificateMessage m) {
 *     System.out.println(m.data().source().name() + " " + m.data().allDomains());
 *   }
 * }).start();
 * }</pre>
 *
 * <p>Resume: this project's hub puts a {@code cursor} in every message. The client remembers the last one it
 * received and reconnects with {@code ?since=<cursor>}, so the hub replays what was published while the connection
 * was down (within its {@code server.replayMinutes}) before going live: nothing is lost and nothing comes twice.
 * Other servers send no cursor, and the client then reconnects as before. When the hub no longer keeps everything
 * after the cursor it says so with a {@code gap} notice: the client logs a warning (logger
 * {@code io.certstream.client.CertStreamClient}) and passes it to {@link CertStreamListener#onGap} and
 * {@link #messages()} as a {@link GapMessage}, with how long a stretch was missed.
 *
 * <p>All callbacks run on one Vert.x event loop (the context current when the client was created,
 * or a new one): do not block in them. The client's methods may be called from any thread.
 */
public final class CertStreamClient {

    // System.Logger: no logging dependency; it goes to java.util.logging (or the application's bridge).
    private static final System.Logger LOG = System.getLogger(CertStreamClient.class.getName());

    private final Vertx vertx;
    private final Context context;
    private final CertStreamOptions options;
    private final Backoff backoff;
    private final URI endpoint;
    private final WebSocketClient webSockets;
    private final List<CertStreamListener> listeners = new CopyOnWriteArrayList<>();
    private final MessageStream stream;

    // Mutated only on `context`, so no locking.
    private boolean started;
    private boolean closed;
    private int attempt;
    private WebSocket socket;
    private String closeReason;
    private long reconnectTimer = -1;
    private long pingTimer = -1;
    private long idleTimer = -1;
    private long lastReceivedNanos;
    private volatile String lastCursor;

    private CertStreamClient(Vertx vertx, CertStreamOptions options) {
        this.vertx = Objects.requireNonNull(vertx, "vertx");
        this.options = Objects.requireNonNull(options, "options");
        // initialBackoff * 2^(n-1), capped at maxBackoff, then +-20 % so that many clients do not reconnect in step.
        this.backoff = new Backoff(Math.max(1, options.initialBackoff().toMillis()),
                Math.max(1, options.maxBackoff().toMillis()), Backoff.Jitter.PLUS_MINUS_20_PERCENT);
        this.context = vertx.getOrCreateContext();
        this.endpoint = options.endpoint();
        this.webSockets = vertx.createWebSocketClient(new WebSocketClientOptions()
                .setMaxFrameSize(options.maxMessageSize())
                .setMaxMessageSize(options.maxMessageSize())
                // CaliDog's server compresses every message; accepting it saves most of the bandwidth.
                .setTryUsePerMessageCompression(true)
                .setConnectTimeout(10_000)
                // After an idle timeout the close handshake has no one to answer it; do not wait long for it.
                .setClosingTimeout(2));
        this.stream = new MessageStream(context, this::setSocketPaused);
    }

    /** A client for a hub on this machine ({@link CertStreamOptions#defaults()}). Call {@link #start()}. */
    public static CertStreamClient create(Vertx vertx) {
        return create(vertx, CertStreamOptions.defaults());
    }

    /** A client with the given options. Nothing happens until {@link #start()}. */
    public static CertStreamClient create(Vertx vertx, CertStreamOptions options) {
        return new CertStreamClient(vertx, options);
    }

    /** Adds a listener; add listeners before {@link #start()} to see the first messages. */
    public CertStreamClient listener(CertStreamListener listener) {
        listeners.add(Objects.requireNonNull(listener, "listener"));
        return this;
    }

    /**
     * Every certificate, domains, heartbeat and gap message as a Vert.x stream. Pausing it pauses reading
     * from the websocket (listeners then see nothing either); the end handler is called after
     * {@link #close()}. Connection problems are not stream errors: the client keeps reconnecting.
     */
    public ReadStream<CertStreamMessage> messages() {
        return stream;
    }

    /** The URL the client connects to: the options' URL with the stream path applied. */
    public URI endpoint() {
        return endpoint;
    }

    /** The cursor of the last message received (resumed from on every reconnect), or null before the first. */
    public String lastCursor() {
        return lastCursor;
    }

    /** The options this client was created with. */
    public CertStreamOptions options() {
        return options;
    }

    /** Starts connecting; keeps the connection up until {@link #close()}. Calling it twice does nothing. */
    public CertStreamClient start() {
        context.runOnContext(v -> {
            if (!started && !closed) {
                started = true;
                connect();
            }
        });
        return this;
    }

    /** Closes the connection for good, stops reconnecting, then ends {@link #messages()}. */
    public Future<Void> close() {
        return Future.<Void>future(promise -> context.runOnContext(v -> {
            if (closed) {
                promise.complete();
                return;
            }
            closed = true;
            cancelTimers();
            vertx.cancelTimer(reconnectTimer);
            Future<Void> socketClosed = socket == null ? Future.succeededFuture() : socket.close().recover(e -> Future.succeededFuture());
            socketClosed
                    .eventually(() -> webSockets.close())
                    .onComplete(ar -> {
                        fire(new ConnectionEvent(ConnectionEvent.State.CLOSED, endpoint, null, null, attempt));
                        stream.end();
                        promise.complete();
                    });
        }));
    }

    private void connect() {
        if (closed) {
            return;
        }
        attempt++;
        fire(new ConnectionEvent(ConnectionEvent.State.CONNECTING, endpoint, null, null, attempt));
        webSockets.connect(new WebSocketConnectOptions().setAbsoluteURI(resumeUri(endpoint, lastCursor).toString()))
                .onComplete(ar -> {
                    if (ar.succeeded()) {
                        onConnected(ar.result());
                    } else {
                        scheduleReconnect(describe(ar.cause()));
                    }
                });
    }

    private void onConnected(WebSocket ws) {
        if (closed) {
            ws.close();
            return;
        }
        socket = ws;
        attempt = 0;
        closeReason = null;
        lastReceivedNanos = System.nanoTime();
        ws.textMessageHandler(this::onText);
        // No known server sends binary frames, but a UTF-8 JSON message is a message either way.
        ws.binaryMessageHandler(buffer -> onText(buffer.toString(StandardCharsets.UTF_8)));
        ws.pongHandler(pong -> lastReceivedNanos = System.nanoTime());
        // The first cause wins: closing an idle link later reports "Connection was closed", which says less.
        ws.exceptionHandler(e -> closeReason = closeReason == null ? describe(e) : closeReason);
        ws.closeHandler(v -> onSocketClosed(ws));
        if (stream.isBackedUp()) {
            ws.pause();
        }
        startTimers(ws);
        fire(new ConnectionEvent(ConnectionEvent.State.CONNECTED, endpoint, null, null, 0));
    }

    private void onSocketClosed(WebSocket ws) {
        if (socket != ws) {
            return;
        }
        socket = null;
        cancelTimers();
        if (closed) {
            return;
        }
        String reason = closeReason;
        if (reason == null) {
            reason = "server closed the connection";
            if (ws.closeStatusCode() != null) {
                reason += " (code " + ws.closeStatusCode()
                        + (ws.closeReason() == null || ws.closeReason().isEmpty() ? "" : ", " + ws.closeReason()) + ")";
            }
        }
        scheduleReconnect(reason);
    }

    private void scheduleReconnect(String reason) {
        if (closed) {
            return;
        }
        Duration delay = backoff(Math.max(attempt, 1));
        fire(new ConnectionEvent(ConnectionEvent.State.DISCONNECTED, endpoint, reason, delay, attempt));
        reconnectTimer = vertx.setTimer(Math.max(1, delay.toMillis()), id -> connect());
    }

    private Duration backoff(int failures) {
        return Duration.ofMillis(backoff.delayMillis(failures));
    }

    private void startTimers(WebSocket ws) {
        if (!options.pingInterval().isZero()) {
            pingTimer = vertx.setPeriodic(options.pingInterval().toMillis(), id -> ws.writePing(Buffer.buffer()));
        }
        if (!options.idleTimeout().isZero()) {
            long timeoutNanos = options.idleTimeout().toNanos();
            long checkEvery = Math.max(10, options.idleTimeout().toMillis() / 4);
            idleTimer = vertx.setPeriodic(checkEvery, id -> {
                if (stream.isBackedUp()) {
                    // We paused the socket ourselves because the consumer is slow: silence is expected, not a dead link.
                    lastReceivedNanos = System.nanoTime();
                } else if (System.nanoTime() - lastReceivedNanos > timeoutNanos) {
                    closeReason = "nothing received for " + ConnectionEvent.formatDelay(options.idleTimeout())
                            + " (no messages, heartbeats or pongs)";
                    ws.close((short) 1001, "idle");
                }
            });
        }
    }

    private void cancelTimers() {
        vertx.cancelTimer(pingTimer);
        vertx.cancelTimer(idleTimer);
        pingTimer = -1;
        idleTimer = -1;
    }

    private void setSocketPaused(boolean paused) {
        if (socket != null) {
            if (paused) {
                socket.pause();
            } else {
                socket.resume();
            }
        }
    }

    /** {@code endpoint} with {@code since=cursor} in place of any {@code since} it had; unchanged without a cursor. */
    static URI resumeUri(URI endpoint, String cursor) {
        if (cursor == null) {
            return endpoint;
        }
        StringBuilder query = new StringBuilder();
        if (endpoint.getRawQuery() != null) {
            for (String param : endpoint.getRawQuery().split("&")) {
                if (!param.isEmpty() && !param.startsWith("since=")) {
                    query.append(param).append('&');
                }
            }
        }
        query.append("since=").append(java.net.URLEncoder.encode(cursor, StandardCharsets.UTF_8));
        String s = endpoint.toString();
        int q = s.indexOf('?');
        return URI.create((q < 0 ? s : s.substring(0, q)) + "?" + query);
    }

    private void onText(String text) {
        lastReceivedNanos = System.nanoTime();
        String cursor = CertStreamMessages.cursor(text);
        if (cursor != null) {
            lastCursor = cursor;
        }
        Optional<CertStreamMessage> parsed;
        try {
            parsed = CertStreamMessages.parse(text);
        } catch (IllegalArgumentException e) {
            listeners.forEach(l -> l.onMalformedMessage(text, e));
            return;
        }
        if (parsed.isPresent() && parsed.get() instanceof GapMessage gap) {
            // Losing data silently is the one thing a resuming client must not do: say it even if nobody listens.
            LOG.log(System.Logger.Level.WARNING, "CertStream client for " + endpoint + ": " + gap.describe());
        }
        parsed.ifPresent(this::dispatch);
    }

    private void dispatch(CertStreamMessage message) {
        for (CertStreamListener l : listeners) {
            if (message instanceof CertificateMessage c) {
                l.onCertificate(c);
            } else if (message instanceof DomainsMessage d) {
                l.onDomains(d);
            } else if (message instanceof HeartbeatMessage h) {
                l.onHeartbeat(h);
            } else if (message instanceof GapMessage g) {
                l.onGap(g);
            }
        }
        stream.push(message);
    }

    private void fire(ConnectionEvent event) {
        listeners.forEach(l -> l.onConnectionEvent(event));
    }

    /** Turns Netty/JDK exceptions into the short phrase a user can act on. */
    static String describe(Throwable e) {
        if (e instanceof UpgradeRejectedException rejected) {
            return "server answered HTTP " + rejected.getStatus() + " instead of a websocket (wrong URL or path?)";
        }
        if (e instanceof UnknownHostException) {
            return "unknown host " + e.getMessage();
        }
        if (e instanceof ConnectException) {
            String message = String.valueOf(e.getMessage()).toLowerCase(Locale.ROOT);
            if (message.contains("refused")) {
                return "connection refused";
            }
            if (message.contains("timed out")) {
                return "connection timed out";
            }
            return "cannot connect: " + e.getMessage();
        }
        if (e instanceof SSLException) {
            return "TLS handshake failed: " + e.getMessage();
        }
        String name = e.getClass().getSimpleName();
        if (name.contains("Timeout")) {
            return "connection timed out";
        }
        return e.getMessage() == null ? name : e.getMessage();
    }
}
