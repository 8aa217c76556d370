package io.certstream.hub.publish;

/**
 * Which certificates were already published within the last {@code windowMillis}, across all logs: the same
 * certificate is logged in several logs (and precertificates again as final certificates, which have a different
 * hash and so count as different certificates here). Keys are the first 64 bits of the certificate's SHA-256 (a
 * false "seen" needs a 64-bit collision among the window's certificates: about 1 in 10^7 with a million of them).
 *
 * <p>Memory is bounded: keys live in one open-addressing table of longs per minute (8 bytes a slot, at most half
 * full), a minute's table is dropped as it leaves the window, and when {@code maxEntries} keys are held the oldest
 * minute goes early (the window shrinks, never the memory grows): 16 bytes a key, up to 32 just after a table
 * grows, so at most about {@code 32 * maxEntries} bytes.
 * Called under the publisher's lock.
 */
final class DedupWindow {
    private static final long MINUTE = 60_000;
    private final LongSet[] minutes;
    private final long[] minuteOf;
    private final long maxEntries;
    private long entries;
    private long droppedEarly;

    DedupWindow(int windowMinutes, long maxEntries) {
        // One more table than minutes: the current minute is partial.
        minutes = new LongSet[windowMinutes + 1];
        minuteOf = new long[windowMinutes + 1];
        this.maxEntries = maxEntries;
        java.util.Arrays.fill(minuteOf, -1);
    }

    /** True the first time a certificate is seen within the window; remembers it. */
    boolean firstSeen(String sha256ColonHex, long nowMillis) {
        return firstSeen(key(sha256ColonHex), nowMillis);
    }

    /** As above, for a {@link #key} already computed (a cluster node receives only the key of other nodes' certificates). */
    boolean firstSeen(long key, long nowMillis) {
        long minute = nowMillis / MINUTE;
        for (int i = 0; i < minutes.length; i++) {
            // A table older than the window is expired even before its slot is reused.
            if (minutes[i] != null && minute - minuteOf[i] < minutes.length && minutes[i].contains(key)) {
                return false;
            }
        }
        int slot = (int) (minute % minutes.length);
        if (minuteOf[slot] != minute) {
            drop(slot);
            minutes[slot] = new LongSet();
            minuteOf[slot] = minute;
        }
        while (entries >= maxEntries) {
            droppedEarly++;
            if (!dropOldest(slot)) {
                // This minute alone holds maxEntries: start it afresh rather than grow.
                drop(slot);
                minutes[slot] = new LongSet();
                minuteOf[slot] = minute;
            }
        }
        if (minutes[slot].add(key)) {
            entries++;
        }
        return true;
    }

    /** Minutes dropped before their time to stay within {@code maxEntries}. */
    long droppedEarly() {
        return droppedEarly;
    }

    long entries() {
        return entries;
    }

    private boolean dropOldest(int current) {
        int oldest = -1;
        for (int i = 0; i < minutes.length; i++) {
            if (i != current && minutes[i] != null && (oldest < 0 || minuteOf[i] < minuteOf[oldest])) {
                oldest = i;
            }
        }
        if (oldest < 0) {
            return false;
        }
        drop(oldest);
        return true;
    }

    private void drop(int slot) {
        if (minutes[slot] != null) {
            entries -= minutes[slot].size();
            minutes[slot] = null;
            minuteOf[slot] = -1;
        }
    }

    /** The first 8 bytes of a colon-separated hex SHA-256 ("57:61:38:..."). */
    static long key(String sha256ColonHex) {
        long key = 0;
        int digits = 0;
        for (int i = 0; i < sha256ColonHex.length() && digits < 16; i++) {
            int d = Character.digit(sha256ColonHex.charAt(i), 16);
            if (d >= 0) {
                key = (key << 4) | d;
                digits++;
            }
        }
        return key;
    }

    /** A set of longs in one array, linear probing; 0 is the empty slot (key 0 is stored as 1). */
    static final class LongSet {
        private long[] slots = new long[1024];
        private int size;

        boolean contains(long key) {
            long k = key == 0 ? 1 : key;
            int mask = slots.length - 1;
            for (int i = mix(k) & mask; ; i = (i + 1) & mask) {
                if (slots[i] == 0) {
                    return false;
                }
                if (slots[i] == k) {
                    return true;
                }
            }
        }

        boolean add(long key) {
            long k = key == 0 ? 1 : key;
            if ((size + 1) * 2 > slots.length) {
                grow();
            }
            int mask = slots.length - 1;
            for (int i = mix(k) & mask; ; i = (i + 1) & mask) {
                if (slots[i] == 0) {
                    slots[i] = k;
                    size++;
                    return true;
                }
                if (slots[i] == k) {
                    return false;
                }
            }
        }

        int size() {
            return size;
        }

        private void grow() {
            long[] old = slots;
            slots = new long[old.length * 2];
            size = 0;
            for (long k : old) {
                if (k != 0) {
                    add(k);
                }
            }
        }

        private static int mix(long k) {
            long h = k * 0x9E3779B97F4A7C15L;
            return (int) (h ^ (h >>> 32));
        }
    }
}
