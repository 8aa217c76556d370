package io.certstream.client;

import java.time.Duration;
import java.util.Objects;

/**
 * A {@code gap} notice from this project's hub: the client resumed from a cursor ({@code since=}) older than the
 * oldest message the hub still keeps (its {@code server.replayMinutes} / {@code server.replayMaxDiskMegabytes} were
 * exceeded, or it restarted after a crash), so the certificates published in between are lost to this client. The
 * hub sends it once, before the replay, which continues from {@link #oldest()}.
 *
 * @param since          the cursor the client resumed from
 * @param oldest         the cursor of the oldest message the hub still keeps (the next message), or null when it
 *                       keeps nothing yet (a hub that has just started after a crash): what follows is live
 * @param missingSeconds publication time between the two cursors: how long a stretch this client missed
 * @param text           the hub's explanation ({@code "message"}), empty when absent
 * @param rawJson        the message as the server sent it
 */
public record GapMessage(String since, String oldest, double missingSeconds, String text, String rawJson)
        implements CertStreamMessage {

    /** The wire value of {@code message_type} for this message. */
    public static final String TYPE = "gap";

    public GapMessage {
        Objects.requireNonNull(rawJson, "rawJson");
        text = text == null ? "" : text;
    }

    @Override
    public String messageType() {
        return TYPE;
    }

    /** {@link #missingSeconds()} as a duration (milliseconds precision). */
    public Duration missing() {
        return Duration.ofMillis(Math.round(missingSeconds * 1000));
    }

    /**
     * One line for a log or a terminal, e.g. {@code "missed about 12 min 5 s of certificates: the server no longer
     * keeps what was published after cursor 0189f...-5; replay continues from the oldest it keeps (reconnect
     * sooner, or raise the hub's server.replayMinutes and server.replayMaxDiskMegabytes)"}.
     */
    public String describe() {
        return "missed about " + formatSeconds(missingSeconds) + " of certificates: the server no longer keeps what was"
                + " published after cursor " + since + "; "
                + (oldest == null ? "it keeps nothing older yet (restarted after a crash?), the stream continues live"
                        : "replay continues from the oldest it keeps")
                + " (reconnect sooner, or raise the hub's server.replayMinutes and server.replayMaxDiskMegabytes)";
    }

    /** {@code 0.4 s}, {@code 42 s}, {@code 12 min 5 s}, {@code 3 h 2 min}. */
    static String formatSeconds(double seconds) {
        if (seconds < 10) {
            return String.format(java.util.Locale.ROOT, "%.1f s", seconds);
        }
        long s = Math.round(seconds);
        if (s < 60) {
            return s + " s";
        }
        if (s < 3600) {
            return s / 60 + " min" + (s % 60 == 0 ? "" : " " + s % 60 + " s");
        }
        long minutes = (s + 30) / 60;
        return minutes / 60 + " h" + (minutes % 60 == 0 ? "" : " " + minutes % 60 + " min");
    }
}
