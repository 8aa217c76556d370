package io.certstream.client.cli;

import io.certstream.client.CertStreamListener;
import io.certstream.client.CertStreamOptions;
import io.certstream.client.ConnectionEvent;
import io.certstream.client.GapMessage;
import io.certstream.client.HeartbeatMessage;
import java.io.PrintStream;

/**
 * Tells the user on stderr what the connection is doing, so stdout stays pure data for pipes.
 * Failures are always shown (with what to do); routine events only with {@code --verbose}.
 */
final class StatusPrinter implements CertStreamListener {

    private final PrintStream err;
    private final boolean verbose;
    private final boolean defaultUrl;

    StatusPrinter(PrintStream err, boolean verbose, String url) {
        this.err = err;
        this.verbose = verbose;
        this.defaultUrl = CertStreamOptions.DEFAULT_URL.equals(url);
    }

    @Override
    public void onConnectionEvent(ConnectionEvent event) {
        switch (event.state()) {
            case CONNECTING -> {
                if (verbose) {
                    say(event.describe());
                }
            }
            case CONNECTED -> say(event.describe());
            case DISCONNECTED -> say(disconnected(event));
            case CLOSED -> {
                if (verbose) {
                    say(event.describe());
                }
            }
        }
    }

    private String disconnected(ConnectionEvent event) {
        String what = event.attempt() > 0 ? "cannot connect to " : "lost connection to ";
        String hint = "";
        if ("connection refused".equals(event.reason())) {
            hint = defaultUrl ? " (is the hub running? ./certstream-hub starts it; --url picks another server)"
                    : " (is the server running?)";
        }
        return what + event.endpoint() + ": " + event.reason() + hint + "; retrying in " + seconds(event);
    }

    private static String seconds(ConnectionEvent event) {
        long millis = event.retryIn().toMillis();
        return millis < 1000 ? millis + " ms" : Math.round(millis / 1000.0) + " s";
    }

    @Override
    public void onHeartbeat(HeartbeatMessage message) {
        if (verbose) {
            say("heartbeat " + message.rawJson().strip());
        }
    }

    /** Always shown: the user must know the output has a hole, and how to avoid the next one. */
    @Override
    public void onGap(GapMessage gap) {
        say("warning: " + gap.describe());
    }

    @Override
    public void onMalformedMessage(String rawJson, IllegalArgumentException error) {
        say("skipping a message: " + error.getMessage());
    }

    private void say(String text) {
        err.println("certstream: " + text);
        err.flush();
    }
}
