package io.certstream.client.cli;

import io.certstream.client.CertificateData;
import java.time.Instant;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.List;

/**
 * Formats the human-readable line, {@code [timestamp] log-name - domain1, domain2}, optionally with
 * ANSI colours (the same palette as certstream-python's CLI).
 */
final class LineFormatter {

    private static final String RESET = "\u001b[0m";
    private static final String CYAN_BOLD = "\u001b[1;36m";
    private static final String BLUE_BOLD = "\u001b[1;34m";
    private static final String WHITE_BOLD = "\u001b[1;37m";

    private final boolean color;

    LineFormatter(boolean color) {
        this.color = color;
    }

    /** {@code [2022-07-31T21:00:03Z] DigiCert Yeti2022-2 Log - a.example, www.a.example} */
    String certificate(CertificateData data) {
        Instant seen = data.seen() > 0 ? Instant.ofEpochMilli(Math.round(data.seen() * 1000)) : Instant.now();
        return timestamp(seen) + " " + paint(BLUE_BOLD, logName(data)) + " - " + domains(data.allDomains());
    }

    /** {@code [2022-07-31T21:00:03Z] a.example, www.a.example}: dns_entries carry no log, so receive time. */
    String domainsOnly(List<String> domains, Instant received) {
        return timestamp(received) + " " + domains(domains);
    }

    private String timestamp(Instant instant) {
        // UTC and second precision: sortable, grep-able, identical on every machine.
        return paint(CYAN_BOLD, "[" + DateTimeFormatter.ISO_INSTANT.format(instant.truncatedTo(ChronoUnit.SECONDS)) + "]");
    }

    private String domains(List<String> domains) {
        if (domains.isEmpty()) {
            return "(no domains)";
        }
        StringBuilder out = new StringBuilder();
        for (String domain : domains) {
            if (out.length() > 0) {
                out.append(", ");
            }
            out.append(paint(WHITE_BOLD, domain));
        }
        return out.toString();
    }

    private static String logName(CertificateData data) {
        if (data.source().name() != null && !data.source().name().isBlank()) {
            return data.source().name();
        }
        return data.source().url() != null ? data.source().url() : "unknown log";
    }

    private String paint(String code, String text) {
        return color ? code + text + RESET : text;
    }
}
