package io.certstream.hub;

import java.util.logging.ConsoleHandler;
import java.util.logging.Formatter;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogManager;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

/** One readable line per log record: {@code 2026-11-25 06:12:01 INFO  Rfc6962Watcher: message}. */
final class LogFormat extends Formatter {
    private LogFormat() {
    }

    static void install() {
        LogManager.getLogManager().reset();
        Handler handler = new ConsoleHandler();
        handler.setFormatter(new LogFormat());
        handler.setLevel(Level.ALL);
        Logger root = Logger.getLogger("");
        root.addHandler(handler);
        root.setLevel(Level.INFO);
        // Netty is chatty at INFO about its own internals.
        Logger.getLogger("io.netty").setLevel(Level.WARNING);
    }

    @Override
    public String format(LogRecord r) {
        String logger = r.getLoggerName() == null ? "" : r.getLoggerName().substring(r.getLoggerName().lastIndexOf('.') + 1);
        StringBuilder line = new StringBuilder(String.format("%1$tF %1$tT %2$-5s %3$s: %4$s%n",
                r.getMillis(), r.getLevel() == Level.WARNING ? "WARN" : r.getLevel().getName(), logger, formatMessage(r)));
        if (r.getThrown() != null) {
            java.io.StringWriter trace = new java.io.StringWriter();
            r.getThrown().printStackTrace(new java.io.PrintWriter(trace));
            line.append(trace);
        }
        return line.toString();
    }
}
