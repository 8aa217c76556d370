package io.certstream.client.cli;

import io.certstream.client.CertStreamListener;
import io.certstream.client.CertificateMessage;
import io.certstream.client.DomainsMessage;
import io.certstream.client.CertStreamMessage;
import java.io.PrintStream;
import java.time.Instant;
import java.util.List;
import java.util.function.Supplier;
import java.util.regex.Pattern;

/**
 * Writes certificates to stdout: one line each, either the human-readable line or the raw JSON.
 *
 * <p>Writes happen on the client's event loop and may block when stdout is a slow pipe. That is
 * deliberate for a CLI: a blocked loop stops reading the websocket, which pushes back on the server
 * instead of buffering an unbounded backlog in memory.
 */
final class MessagePrinter implements CertStreamListener {

    private final PrintStream out;
    private final boolean json;
    private final Pattern filter;
    private final LineFormatter formatter;
    private final Runnable onBrokenPipe;

    MessagePrinter(PrintStream out, boolean json, Pattern filter, LineFormatter formatter, Runnable onBrokenPipe) {
        this.out = out;
        this.json = json;
        this.filter = filter;
        this.formatter = formatter;
        this.onBrokenPipe = onBrokenPipe;
    }

    @Override
    public void onCertificate(CertificateMessage message) {
        if (matches(message.data().allDomains())) {
            print(message, () -> formatter.certificate(message.data()));
        }
    }

    @Override
    public void onDomains(DomainsMessage message) {
        if (matches(message.domains())) {
            print(message, () -> formatter.domainsOnly(message.domains(), Instant.now()));
        }
    }

    private boolean matches(List<String> domains) {
        return filter == null || domains.stream().anyMatch(d -> filter.matcher(d).find());
    }

    private void print(CertStreamMessage message, Supplier<String> line) {
        out.println(json ? oneLine(message.rawJson()) : line.get());
        // Flush per message: `certstream | grep` should show a certificate the moment it arrives.
        out.flush();
        if (out.checkError()) {
            // stdout closed, e.g. `certstream | head -3`: that is the reader saying "enough".
            onBrokenPipe.run();
        }
    }

    /**
     * Servers send compact JSON, but certstream-server-go ends each message with a newline and a
     * pretty-printing server would break "one message per line". Inside valid JSON a line break can
     * only be whitespace between tokens (in strings it is escaped), so dropping it is safe.
     */
    static String oneLine(String rawJson) {
        String trimmed = rawJson.strip();
        return trimmed.indexOf('\n') < 0 && trimmed.indexOf('\r') < 0 ? trimmed : trimmed.replaceAll("[\r\n]+", "");
    }
}
