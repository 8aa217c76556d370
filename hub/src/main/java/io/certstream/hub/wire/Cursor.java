package io.certstream.hub.wire;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;

/**
 * Where a message stands in the stream, written as the top-level {@code "cursor"} of every certificate message and
 * as the SSE event id. Clients treat it as opaque; the hub reads it back to resume ({@code ?since=}).
 *
 * <p>Text form {@code SSSSSSSSSSSSSSSS-LLLLLLLL-N}: 16 hex digits of the publication stamp (epoch milliseconds
 * shifted left 16 bits, plus a counter for messages published in the same millisecond), 8 hex digits naming the
 * log (the first 4 bytes of the SHA-256 of its URL) and the entry's index in that log in decimal. The stamp is
 * assigned once, by the node that publishes the message, and travels inside the serialized bytes, so every node
 * that relays the message sees the same cursor; ordering is by stamp, then log, then index, so two nodes that
 * stamp in the same millisecond still order their messages the same way everywhere.
 */
public record Cursor(long stamp, int log, long index) implements Comparable<Cursor> {
    private static final char[] HEX = "0123456789abcdef".toCharArray();

    /** The stamp for {@code millis} with {@code counter} messages already stamped in that millisecond. */
    public static long stamp(long millis, int counter) {
        return (millis << 16) | (counter & 0xffff);
    }

    /** Epoch milliseconds at which the message was published. */
    public long millis() {
        return stamp >>> 16;
    }

    /** The cursor's log part for a log URL. */
    public static int logId(String url) {
        try {
            byte[] h = MessageDigest.getInstance("SHA-256").digest(url.getBytes(StandardCharsets.UTF_8));
            return ((h[0] & 0xff) << 24) | ((h[1] & 0xff) << 16) | ((h[2] & 0xff) << 8) | (h[3] & 0xff);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JVM has SHA-256", e);
        }
    }

    /** Reads a cursor's text form; the exception's message says what is wrong, for a one-line HTTP 400. */
    public static Cursor parse(String text) {
        String[] parts = text == null ? new String[0] : text.split("-", -1);
        if (parts.length != 3 || parts[0].length() != 16 || parts[1].length() != 8 || parts[2].isEmpty()) {
            throw new IllegalArgumentException("not a cursor: \"" + text + "\" (use the \"cursor\" of a message you received)");
        }
        try {
            return new Cursor(Long.parseUnsignedLong(parts[0], 16), Integer.parseUnsignedInt(parts[1], 16),
                    Long.parseLong(parts[2]));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("not a cursor: \"" + text + "\" (use the \"cursor\" of a message you received)");
        }
    }

    @Override
    public int compareTo(Cursor o) {
        int c = Long.compareUnsigned(stamp, o.stamp);
        if (c == 0) {
            c = Integer.compareUnsigned(log, o.log);
        }
        return c != 0 ? c : Long.compare(index, o.index);
    }

    /**
     * The text form, written as Latin-1 bytes, the form the String keeps: it runs for every published certificate,
     * where a StringBuilder's appends were a measurable share of publishing.
     */
    @Override
    public String toString() {
        if (index < 0) {
            // Never from a log (indexes start at 0); spelled as before.
            return unsigned(stamp, 16) + "-" + unsigned(log & 0xffffffffL, 8) + "-" + index;
        }
        byte[] text = new byte[26 + 19];
        hex(text, 0, stamp, 16);
        text[16] = '-';
        hex(text, 17, log & 0xffffffffL, 8);
        text[25] = '-';
        int digits = 1;
        for (long rest = index / 10; rest > 0; rest /= 10) {
            digits++;
        }
        long rest = index;
        for (int i = 26 + digits - 1; i >= 26; i--) {
            text[i] = (byte) ('0' + (int) (rest % 10));
            rest /= 10;
        }
        return new String(text, 0, 26 + digits, StandardCharsets.ISO_8859_1);
    }

    private static String unsigned(long value, int digits) {
        byte[] text = new byte[digits];
        hex(text, 0, value, digits);
        return new String(text, StandardCharsets.ISO_8859_1);
    }

    /**
     * The text form of the cursor of entry {@code index} of log {@code log} with 16 "0" in place of the stamp: the
     * decode pool serializes the messages with it, the publisher writes the stamp over it ({@link #stampDigits}).
     */
    public static String unstamped(int log, long index) {
        return new Cursor(0, log, index).toString();
    }

    /** The 16 lower-case hex digits of {@code stamp}, in ASCII, as the text form begins. */
    static byte[] stampDigits(long stamp) {
        byte[] digits = new byte[16];
        hex(digits, 0, stamp, 16);
        return digits;
    }

    private static void hex(byte[] out, int at, long value, int digits) {
        for (int i = 0; i < digits; i++) {
            out[at + i] = (byte) HEX[(int) (value >>> ((digits - 1 - i) * 4)) & 0xf];
        }
    }
}
