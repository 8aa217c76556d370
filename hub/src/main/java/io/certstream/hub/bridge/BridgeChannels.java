package io.certstream.hub.bridge;

import io.certstream.hub.ct.UpdateSink;
import io.certstream.hub.publish.LocalCodec;
import io.certstream.hub.wire.EncodedUpdate;
import io.certstream.hub.wire.RawJson;
import io.certstream.hub.wire.StreamType;
import io.certstream.model.UpdateType;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.EventBus;

import java.util.EnumMap;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The bridge-facing channel addresses and their fan-out. A bridge client may follow less than a whole stream:
 * <pre>
 *   certstream.&lt;stream&gt;.all              every certificate
 *   certstream.&lt;stream&gt;.x509             X509LogEntry updates only
 *   certstream.&lt;stream&gt;.precert          PrecertLogEntry updates only
 *   certstream.&lt;stream&gt;.domain.&lt;name&gt;  certificates with a domain equal to &lt;name&gt; or under it
 *                                         (example.com matches example.com, www.example.com, *.example.com)
 * </pre>
 * where {@code <stream>} is {@code full}, {@code lite} or {@code domains-only}. Bodies are the exact websocket
 * messages as JSON objects.
 *
 * <p>Trade-off ("serialize once"): the public stream addresses carry the serialized websocket text as a
 * {@code Buffer}, which a bridge would forward base64-encoded. StreamType messages instead carry a {@link RawJson}
 * made from that same serialized text: one instance per update and stream, shared by reference (local codec, no
 * copy per consumer) and written verbatim into each client's envelope. They are published only while at least one
 * bridge client follows that channel, so a hub without bridge clients pays one volatile read per update.
 * Registrations are counted from the bridges' REGISTER/UNREGISTER/close events; the channel grammar is also the
 * bridges' outbound permission, so a counted address is always one the bridge accepts.
 */
public final class BridgeChannels implements UpdateSink {
    /** Outbound permission regex for channel addresses; {@link #parse} accepts exactly these. */
    public static final String ADDRESS_REGEX =
            "certstream\\.(full|lite|domains-only)\\.(all|x509|precert|domain\\.[a-z0-9_-]{1,63}(\\.[a-z0-9_-]{1,63}){0,126})";
    private static final Pattern ADDRESS = Pattern.compile(ADDRESS_REGEX);
    private static final String CODEC = "certstream-raw-json";
    /** Bridge clients of a cluster node follow that node's channels: its bodies never cross to other nodes. */
    private static final DeliveryOptions LOCAL = new DeliveryOptions().setLocalOnly(true);

    private final EventBus bus;
    private final Map<String, Integer> registrations = new HashMap<>();
    /** Rebuilt on every (rare) registration change so that {@link #publish} reads it without locking. */
    private volatile Map<StreamType, Followed> followed = Map.of();

    public BridgeChannels(EventBus bus) {
        this.bus = bus;
    }

    /** Lets one {@link RawJson} body reach every consumer by reference. Safe to call again on the same bus. */
    public static void registerCodec(EventBus bus) {
        bus.unregisterDefaultCodec(RawJson.class);
        bus.registerDefaultCodec(RawJson.class, new LocalCodec<RawJson>(CODEC));
    }

    /** A parsed channel address: the stream and what it keeps. */
    record Subscription(StreamType channel, String filter) {
    }

    /** The channel an address names, or empty when it is not a channel address (e.g. a public stream address). */
    static Optional<Subscription> parse(String address) {
        if (address == null || !ADDRESS.matcher(address).matches()) {
            return Optional.empty();
        }
        for (StreamType channel : StreamType.values()) {
            String prefix = channel.address() + ".";
            if (address.startsWith(prefix)) {
                return Optional.of(new Subscription(channel, address.substring(prefix.length())));
            }
        }
        return Optional.empty();
    }

    /** True when {@code address} is a channel this class publishes on. */
    public static boolean isChannel(String address) {
        return parse(address).isPresent();
    }

    /** A bridge client started following {@code address}; ignored unless it is a channel address. */
    public synchronized void follow(String address) {
        if (isChannel(address)) {
            registrations.merge(address, 1, Integer::sum);
            rebuild();
        }
    }

    /** A bridge client stopped following {@code address} (unregistered or disconnected). */
    public synchronized void unfollow(String address) {
        Integer count = registrations.get(address);
        if (count != null) {
            if (count <= 1) {
                registrations.remove(address);
            } else {
                registrations.put(address, count - 1);
            }
            rebuild();
        }
    }

    /** How many bridge registrations follow {@code address} (for stats and tests). */
    public synchronized int followers(String address) {
        return registrations.getOrDefault(address, 0);
    }

    private void rebuild() {
        Map<StreamType, Followed> next = new EnumMap<>(StreamType.class);
        for (String address : registrations.keySet()) {
            Subscription s = parse(address).orElseThrow();
            next.computeIfAbsent(s.channel(), c -> new Followed()).add(s.filter());
        }
        followed = next;
    }

    /** Publishes each update on every followed channel it belongs to. Called on the publishing watcher's thread. */
    @Override
    public void publish(List<EncodedUpdate> updates) {
        for (EncodedUpdate update : updates) {
            publish(update);
        }
    }

    void publish(EncodedUpdate update) {
        Map<StreamType, Followed> now = followed;
        if (now.isEmpty()) {
            return;
        }
        UpdateType type = update.update().updateType();
        List<String> domains = update.update().leaf().allDomains();
        now.forEach((channel, f) -> f.publish(bus, channel, update, type, domains));
    }

    /**
     * A certificate decoded on another cluster node: only its texts, type and domains crossed the cluster bus
     * ({@code texts.update()} is not read).
     */
    public void publishForwarded(EncodedUpdate texts, UpdateType type, List<String> domains) {
        Map<StreamType, Followed> now = followed;
        if (!now.isEmpty()) {
            now.forEach((channel, f) -> f.publish(bus, channel, texts, type, domains));
        }
    }

    /** What bridge clients follow on one stream. Built once per registration change, then only read. */
    private static final class Followed {
        private boolean all;
        private boolean x509;
        private boolean precert;
        private final Set<String> domains = new HashSet<>();

        void add(String filter) {
            switch (filter) {
                case "all" -> all = true;
                case "x509" -> x509 = true;
                case "precert" -> precert = true;
                default -> domains.add(filter.substring("domain.".length()));
            }
        }

        void publish(EventBus bus, StreamType channel, EncodedUpdate u, UpdateType type, List<String> allDomains) {
            RawJson body = null;
            String base = channel.address() + ".";
            if (all) {
                body = RawJson.of(channel.message(u));
                bus.publish(base + "all", body, LOCAL);
            }
            boolean isX509 = type == UpdateType.X509LogEntry;
            if (isX509 ? x509 : precert) {
                body = body != null ? body : RawJson.of(channel.message(u));
                bus.publish(base + (isX509 ? "x509" : "precert"), body, LOCAL);
            }
            if (domains.isEmpty()) {
                return;
            }
            Set<String> sent = null;
            for (String domain : allDomains) {
                String name = domain.toLowerCase(Locale.ROOT);
                if (name.startsWith("*.")) {
                    name = name.substring(2);
                }
                // Walk the name and each parent (a.b.example.com, b.example.com, example.com, com): a few hash
                // look-ups per domain, however many channels are followed.
                for (String suffix = name; suffix != null; ) {
                    if (domains.contains(suffix)) {
                        if (sent == null) {
                            sent = new HashSet<>(4);
                        }
                        if (sent.add(suffix)) {
                            body = body != null ? body : RawJson.of(channel.message(u));
                            bus.publish(base + "domain." + suffix, body, LOCAL);
                        }
                    }
                    int dot = suffix.indexOf('.');
                    suffix = dot < 0 ? null : suffix.substring(dot + 1);
                }
            }
        }
    }
}
