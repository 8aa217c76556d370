package io.certstream.hub.bridge;

import io.certstream.hub.publish.DeliveryLag;
import io.certstream.hub.wire.RawJson;
import io.certstream.hub.metrics.HubMetrics;
import io.certstream.plugin.BusAddresses;
import io.vertx.core.Handler;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.bridge.PermittedOptions;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.handler.sockjs.BridgeEvent;
import io.vertx.ext.web.handler.sockjs.SockJSBridgeOptions;
import io.vertx.ext.web.handler.sockjs.SockJSHandler;
import io.vertx.ext.web.handler.sockjs.SockJSHandlerOptions;
import io.vertx.ext.web.handler.sockjs.SockJSSocket;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.logging.Logger;

/**
 * The SockJS event-bus bridge mounted at {@code /eventbus/*}: browsers and Node programs join the hub's bus with
 * the official {@code @vertx/eventbus-bridge-client.js} and receive certificates as JSON objects.
 *
 * <ul>
 *   <li>Outbound: the public stream addresses ({@code certstream.full}, {@code .lite}, {@code .domains-only},
 *       {@code .heartbeat}), {@code certstream.alerts} and the {@link BridgeChannels channel addresses}.</li>
 *   <li>Inbound: nothing. No address is permitted, so every {@code send}/{@code publish} from a client is refused by
 *       the bridge ({@code {"type":"err","body":"access_denied"}}) and never reaches the bus.</li>
 *   <li>The public stream addresses carry the serialized websocket text as a {@code Buffer}; on delivery to a
 *       client this bridge swaps it for a {@link RawJson} of the same text, so the client gets the JSON object
 *       (the certificate is not re-serialized; what each client costs is a copy of the text, as every SockJS frame
 *       is escaped per client anyway). The channel addresses already carry one shared {@link RawJson}.</li>
 *   <li>Deliveries queue on the web verticle's event loop like its own: while its {@link DeliveryLag} says the loop is
 *       more than {@code server.maxPendingMessages} behind, certificate messages are skipped unencoded (counted as
 *       {@code dropped_overload}); heartbeats and alerts still go out.</li>
 *   <li>Each client's unacknowledged writes are bounded ({@link BridgeClient}); messages for a client that is
 *       behind are skipped before being encoded and counted, and a client that stays behind is closed.</li>
 * </ul>
 * One instance per web verticle instance; the {@link BridgeChannels} registry is shared by all of them.
 */
public final class SockJsBridge {
    public static final String PATH = "/eventbus";
    /** The endpoint name under which {@code /stats} counts bridge clients and what they missed. */
    public static final String STATS_LABEL = "eventbus";
    private static final Logger LOG = Logger.getLogger(SockJsBridge.class.getName());
    /**
     * A client that has not pinged for this long is closed (the client library pings every 5 s; Vert.x's default
     * timeout). The hub checks this itself: Vert.x's own ping timer casts the socket to its internal class, which a
     * {@link BridgeClient} is not, so it would fail (a ClassCastException logged every period) and never close it.
     */
    static final long PING_TIMEOUT_MILLIS = 10_000;
    private static final long PING_CHECK_MILLIS = 1_000;
    /** Vert.x's own ping timer, kept from firing (see {@link #PING_TIMEOUT_MILLIS}); 30 days fits Netty's nanoseconds. */
    private static final long VERTX_PING_TIMER_OFF = 30L * 24 * 3600 * 1000;

    private final Vertx vertx;
    private final BridgeChannels channels;
    private final HubMetrics metrics;
    private final DeliveryLag backlog;
    private final int queueBytes;
    private final long slowMillis;
    private final Set<BridgeClient> clients = ConcurrentHashMap.newKeySet();
    private long pingTimer = -1;

    /** @param backlog that of the web verticle whose router mounts this bridge: their deliveries share its event loop */
    public SockJsBridge(Vertx vertx, BridgeChannels channels, HubMetrics metrics, DeliveryLag backlog, int queueBytes,
                        long slowMillis) {
        this.vertx = vertx;
        this.channels = channels;
        this.metrics = metrics;
        this.backlog = backlog;
        this.queueBytes = queueBytes;
        this.slowMillis = slowMillis;
    }

    /** Outbound: the public stream addresses, heartbeat, alerts and the channels; inbound: none. */
    static SockJSBridgeOptions options() {
        SockJSBridgeOptions options = new SockJSBridgeOptions();
        for (String address : new String[]{BusAddresses.FULL, BusAddresses.LITE, BusAddresses.DOMAINS_ONLY,
                BusAddresses.HEARTBEAT, BusAddresses.ALERTS}) {
            options.addOutboundPermitted(new PermittedOptions().setAddress(address));
        }
        options.addOutboundPermitted(new PermittedOptions().setAddressRegex(BridgeChannels.ADDRESS_REGEX));
        // No inbound permission at all: clients listen, they never publish into the hub.
        return options.setPingTimeout(VERTX_PING_TIMER_OFF);
    }

    /** A router to mount at {@code /eventbus/*}. */
    public Router router() {
        // The bridge is built here rather than through SockJSHandler.bridge(...) so that every socket it sees is a
        // BridgeClient, which knows how far behind its client is (SockJS's own writeQueueFull() only sees messages
        // not yet handed to the transport, never the websocket's backlog).
        Handler<SockJSSocket> bridge = VertxInternals.eventBusBridge(vertx, options(), this::onEvent);
        if (pingTimer < 0) {
            pingTimer = vertx.setPeriodic(PING_CHECK_MILLIS, t -> closeSilentClients(System.currentTimeMillis()));
        }
        SockJSHandlerOptions handlerOptions = new SockJSHandlerOptions().setRegisterWriteHandler(false)
                .setInsertJSESSIONID(false); // one hub process: no sticky sessions to route, so no cookie
        return SockJSHandler.create(vertx, handlerOptions)
                .socketHandler(sock -> bridge.handle(new BridgeClient(sock, queueBytes, slowMillis, metrics, STATS_LABEL)));
    }

    private void onEvent(BridgeEvent event) {
        BridgeClient client = (BridgeClient) event.socket();
        switch (event.type()) {
            case SOCKET_CREATED -> {
                clients.add(client);
                metrics.clientConnected(STATS_LABEL);
            }
            case SOCKET_PING -> client.pinged(System.currentTimeMillis());
            case SOCKET_CLOSED -> {
                clients.remove(client);
                client.forgetAll(channels);
                metrics.clientDisconnected(STATS_LABEL);
            }
            case REGISTER -> {
                String address = event.getRawMessage().getString("address");
                // The bridge itself would register a second consumer for the same address and leak the first.
                if (!client.follow(address, channels)) {
                    event.complete(false);
                    return;
                }
            }
            case UNREGISTER -> client.forget(event.getRawMessage().getString("address"), channels);
            case RECEIVE -> {
                if (backlog.shedding() && isStream(event.getRawMessage().getString("address"))) {
                    metrics.droppedOverload(STATS_LABEL, 1);
                    event.complete(false);
                    return;
                }
                if (!client.mayReceive(System.currentTimeMillis())) {
                    event.complete(false);
                    return;
                }
                JsonObject envelope = event.getRawMessage();
                if (envelope.getMap().get("body") instanceof Buffer text) {
                    envelope.put("body", RawJson.of(text));
                }
            }
            case SEND, PUBLISH -> LOG.fine(() -> "refusing " + event.type() + " to "
                    + event.getRawMessage().getString("address") + " from bridge client " + client.remoteAddress());
            default -> {
            }
        }
        event.complete(true);
    }

    /** Runs on the event loop of the verticle that mounted the router (its timers end with it). */
    private void closeSilentClients(long nowMillis) {
        for (BridgeClient client : clients) {
            client.closeIfSilent(nowMillis, PING_TIMEOUT_MILLIS);
        }
    }

    /** Certificate messages, which may be shed when the loop is behind; heartbeats and alerts never are. */
    private static boolean isStream(String address) {
        return BusAddresses.FULL.equals(address) || BusAddresses.LITE.equals(address)
                || BusAddresses.DOMAINS_ONLY.equals(address) || BridgeChannels.isChannel(address);
    }
}
