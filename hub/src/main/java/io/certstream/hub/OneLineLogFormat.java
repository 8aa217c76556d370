package io.certstream.hub;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.logging.ConsoleHandler;
import java.util.logging.Formatter;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogManager;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

/** One readable line per log record: {@code 2026-11-25 06:12:01 INFO  Rfc6962Watcher: message}. */
final class OneLineLogFormat extends Formatter {
    /** Held here: JUL keeps loggers weakly, and a collected logger forgets the level set on it. */
    private static final Logger NETTY = Logger.getLogger("io.netty");
    private static final Logger METER_REGISTRY = Logger.getLogger("io.micrometer.core.instrument.MeterRegistry");

    private OneLineLogFormat() {
    }

    static void install() {
        LogManager.getLogManager().reset();
        Handler handler = new ConsoleHandler();
        handler.setFormatter(new OneLineLogFormat());
        handler.setLevel(Level.ALL);
        Logger root = Logger.getLogger("");
        root.addHandler(handler);
        root.setLevel(Level.INFO);
        // Netty is chatty at INFO about its own internals.
        NETTY.setLevel(Level.WARNING);
        // Vert.x's Micrometer metrics register some gauges twice by design, which Micrometer >= 1.13.9 warns about
        // once at start-up ("This Gauge has been already registered"): harmless, and confusing in a hub's log
        // (vert-x3/vertx-micrometer-metrics#259, micrometer-metrics/micrometer#6931).
        METER_REGISTRY.setLevel(Level.SEVERE);
    }

    @Override
    public String format(LogRecord r) {
        String logger = r.getLoggerName() == null ? "" : r.getLoggerName().substring(r.getLoggerName().lastIndexOf('.') + 1);
        StringBuilder line = new StringBuilder(String.format("%1$tF %1$tT %2$-5s %3$s: %4$s%n",
                r.getMillis(), r.getLevel() == Level.WARNING ? "WARN" : r.getLevel().getName(), logger, formatMessage(r)));
        if (r.getThrown() != null) {
            StringWriter trace = new StringWriter();
            r.getThrown().printStackTrace(new PrintWriter(trace));
            line.append(trace);
        }
        return line.toString();
    }
}
