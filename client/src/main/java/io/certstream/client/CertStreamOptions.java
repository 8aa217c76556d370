package io.certstream.client;

import java.net.URI;
import java.net.URISyntaxException;
import java.time.Duration;
import java.util.Objects;

/**
 * How a {@link CertStreamClient} connects. Immutable; start from {@link #defaults()} and change what
 * you need with the {@code with...} methods:
 * <pre>{@code
 * CertStreamOptions.defaults().withUrl("wss://certstream.example/").withStream(StreamType.FULL)
 * }</pre>
 *
 * @param url            server URL, {@code ws://} or {@code wss://}; when its path is empty or {@code /}
 *                       the {@link #stream() stream}'s path is used, otherwise the path is respected as given
 * @param stream         which stream to subscribe to when the URL has no path of its own
 * @param initialBackoff first delay before reconnecting; doubled after each failed attempt
 * @param maxBackoff     the delay never grows beyond this
 * @param pingInterval   how often to send a websocket ping (certstream-server-go disconnects clients
 *                       that do not ping); {@link Duration#ZERO} disables pings
 * @param idleTimeout    reconnect when nothing at all (message, heartbeat, pong) arrived for this long,
 *                       since a half-open TCP connection otherwise looks like a quiet stream forever;
 *                       {@link Duration#ZERO} disables the check
 * @param maxMessageSize largest websocket message accepted, in bytes (full-stream messages with a
 *                       chain are tens of kilobytes)
 */
public record CertStreamOptions(
        String url,
        StreamType stream,
        Duration initialBackoff,
        Duration maxBackoff,
        Duration pingInterval,
        Duration idleTimeout,
        int maxMessageSize) {

    /** A hub running on this machine with its default port. */
    public static final String DEFAULT_URL = "ws://localhost:8080/";

    public CertStreamOptions {
        Objects.requireNonNull(url, "url");
        Objects.requireNonNull(stream, "stream");
        requirePositive(initialBackoff, "initialBackoff");
        requirePositive(maxBackoff, "maxBackoff");
        Objects.requireNonNull(pingInterval, "pingInterval");
        Objects.requireNonNull(idleTimeout, "idleTimeout");
        if (maxMessageSize <= 0) {
            throw new IllegalArgumentException("maxMessageSize must be positive, got " + maxMessageSize);
        }
        URI uri = parse(url);
        if (!"ws".equalsIgnoreCase(uri.getScheme()) && !"wss".equalsIgnoreCase(uri.getScheme())) {
            throw new IllegalArgumentException("url must start with ws:// or wss://, got \"" + url + "\"");
        }
    }

    /**
     * Local hub ({@value #DEFAULT_URL}), lite stream, reconnect after 1 s doubling to 60 s, ping every
     * 15 s, reconnect after 90 s of silence (three missed heartbeats), messages up to 16 MiB.
     */
    public static CertStreamOptions defaults() {
        return new CertStreamOptions(DEFAULT_URL, StreamType.LITE, Duration.ofSeconds(1), Duration.ofSeconds(60),
                Duration.ofSeconds(15), Duration.ofSeconds(90), 16 * 1024 * 1024);
    }

    /** A copy with another server URL. */
    public CertStreamOptions withUrl(String url) {
        return new CertStreamOptions(url, stream, initialBackoff, maxBackoff, pingInterval, idleTimeout, maxMessageSize);
    }

    /** A copy with another stream. */
    public CertStreamOptions withStream(StreamType stream) {
        return new CertStreamOptions(url, stream, initialBackoff, maxBackoff, pingInterval, idleTimeout, maxMessageSize);
    }

    /** A copy with another reconnect backoff range. */
    public CertStreamOptions withBackoff(Duration initial, Duration max) {
        return new CertStreamOptions(url, stream, initial, max, pingInterval, idleTimeout, maxMessageSize);
    }

    /** A copy with another ping interval ({@link Duration#ZERO} disables pings). */
    public CertStreamOptions withPingInterval(Duration pingInterval) {
        return new CertStreamOptions(url, stream, initialBackoff, maxBackoff, pingInterval, idleTimeout, maxMessageSize);
    }

    /** A copy with another idle timeout ({@link Duration#ZERO} disables it). */
    public CertStreamOptions withIdleTimeout(Duration idleTimeout) {
        return new CertStreamOptions(url, stream, initialBackoff, maxBackoff, pingInterval, idleTimeout, maxMessageSize);
    }

    /** A copy with another maximum message size in bytes. */
    public CertStreamOptions withMaxMessageSize(int maxMessageSize) {
        return new CertStreamOptions(url, stream, initialBackoff, maxBackoff, pingInterval, idleTimeout, maxMessageSize);
    }

    /**
     * The URL actually connected to: {@link #url()} with the {@link #stream()} path when the URL has no
     * path of its own, so {@code ws://host:8080} + FULL is {@code ws://host:8080/full-stream} while
     * {@code wss://host/custom} stays as it is.
     */
    public URI endpoint() {
        URI uri = parse(url);
        String path = uri.getRawPath();
        if (path != null && !path.isEmpty() && !path.equals("/")) {
            return uri;
        }
        String query = uri.getRawQuery() == null ? "" : "?" + uri.getRawQuery();
        String authority = uri.getRawAuthority() == null ? "" : uri.getRawAuthority();
        return URI.create(uri.getScheme() + "://" + authority + stream.path() + query);
    }

    private static URI parse(String url) {
        try {
            URI uri = new URI(url);
            if (uri.getHost() == null) {
                throw new IllegalArgumentException("url has no host: \"" + url + "\"; expected e.g. " + DEFAULT_URL);
            }
            return uri;
        } catch (URISyntaxException e) {
            throw new IllegalArgumentException("url is not a valid URI: \"" + url + "\": " + e.getReason(), e);
        }
    }

    private static void requirePositive(Duration d, String name) {
        Objects.requireNonNull(d, name);
        if (d.isNegative() || d.isZero()) {
            throw new IllegalArgumentException(name + " must be positive, got " + d);
        }
    }
}
