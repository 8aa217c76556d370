package io.certstream.hub.publish;

import org.junit.jupiter.api.Test;

import java.util.Locale;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class DedupWindowTest {
    private static final long MINUTE = 60_000;

    private static String sha(long n) {
        String hex = String.format("%016X", n * 0x9E3779B97F4A7C15L);
        StringBuilder s = new StringBuilder();
        for (int i = 0; i < 16; i += 2) {
            s.append(hex, i, i + 2).append(':');
        }
        return s.append("AA:BB").toString();
    }

    @Test
    void aCertificateSeenWithinTheWindowIsADuplicateAndFirstAgainAfterIt() {
        DedupWindow w = new DedupWindow(15, 1_000_000);
        long t = 1_000 * MINUTE;
        assertTrue(w.firstSeen(sha(1), t));
        assertFalse(w.firstSeen(sha(1), t + 1));
        assertTrue(w.firstSeen(sha(2), t + 1));
        assertFalse(w.firstSeen(sha(1), t + 14 * MINUTE), "still within 15 minutes");
        assertTrue(w.firstSeen(sha(1), t + 17 * MINUTE), "the window has passed");
    }

    @Test
    void memoryIsBoundedByMaxEntriesTheOldestMinutesGoFirst() {
        DedupWindow w = new DedupWindow(15, 10_000);
        long t = 1_000 * MINUTE;
        for (int i = 0; i < 50_000; i++) {
            w.firstSeen(sha(i), t + i * 20L); // 50,000 certificates over ~17 minutes
        }
        assertTrue(w.entries() <= 10_000, "held: " + w.entries());
        assertTrue(w.droppedEarly() > 0);
        assertFalse(w.firstSeen(sha(49_999), t + 50_000 * 20L), "the newest are kept");
    }

    @Test
    void costPerCertificate() {
        DedupWindow w = new DedupWindow(15, 2_000_000);
        String[] hashes = new String[1_000_000];
        for (int i = 0; i < hashes.length; i++) {
            hashes[i] = sha(i % 400_000);
        }
        long t = 1_000 * MINUTE;
        long start = System.nanoTime();
        int first = 0;
        for (int i = 0; i < hashes.length; i++) {
            first += w.firstSeen(hashes[i], t + i / 1000) ? 1 : 0;
        }
        double ns = (System.nanoTime() - start) / (double) hashes.length;
        assertEquals(400_000, first);
        System.out.printf(Locale.ROOT, "dedup cost: %.0f ns per certificate with %d held%n", ns, w.entries());
    }
}
