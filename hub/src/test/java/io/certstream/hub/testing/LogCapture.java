package io.certstream.hub.testing;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

/** The lines a java.util.logging logger writes while the capture is open, as a user would read them in the output. */
public final class LogCapture implements AutoCloseable {
    private final Logger logger;
    private final List<LogRecord> records = new CopyOnWriteArrayList<>();
    private final Handler handler = new Handler() {
        @Override
        public void publish(LogRecord r) {
            records.add(r);
        }

        @Override
        public void flush() {
        }

        @Override
        public void close() {
        }
    };

    private LogCapture(Logger logger) {
        this.logger = logger;
        // Keep a strong reference: java.util.logging holds loggers weakly, and a collected one loses its handler.
        handler.setLevel(Level.ALL);
        logger.addHandler(handler);
    }

    /** Captures what the logger of {@code type} (and its children) writes. */
    public static LogCapture of(Class<?> type) {
        return of(type.getName());
    }

    /** Captures what the logger named {@code name} (and its children, e.g. a package's classes) writes. */
    public static LogCapture of(String name) {
        return new LogCapture(Logger.getLogger(name));
    }

    /** The records themselves, e.g. to look at an exception logged with one. */
    public List<LogRecord> records() {
        return List.copyOf(records);
    }

    /** Lines as {@code LEVEL message}, e.g. {@code WARNING sim: ...}. */
    public List<String> lines() {
        return records.stream().map(r -> r.getLevel() + " " + message(r)).toList();
    }

    /** The messages (without their level) of the records at {@code atLeast} or above. */
    public List<String> messages(Level atLeast) {
        return records.stream().filter(r -> r.getLevel().intValue() >= atLeast.intValue()).map(LogCapture::message).toList();
    }

    /** The captured lines that contain every one of {@code parts}. */
    public List<String> matching(String... parts) {
        return lines().stream().filter(line -> List.of(parts).stream().allMatch(line::contains)).toList();
    }

    private static String message(LogRecord r) {
        return r.getMessage() == null ? "" : r.getMessage();
    }

    @Override
    public void close() {
        logger.removeHandler(handler);
    }
}
