package io.certstream.hub;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The idle heap shrink: when it fires (only after a quiet spell, once), and that it gives the heap back. */
class IdleHeapShrinkTest {

    @Test
    void firesOnceAfterTheQuietTimeAndNeverWhileMessagesFlow() {
        AtomicLong published = new AtomicLong();
        IdleHeapShrink idle = new IdleHeapShrink(published::get, 5_000);
        long now = 1_000_000;
        assertFalse(idle.check(now), "first look: the count is new");
        // Messages flow: one a second for a minute, never a shrink.
        for (int s = 1; s <= 60; s++) {
            published.incrementAndGet();
            assertFalse(idle.check(now + s * 1000L), "second " + s + " with a message published");
        }
        now += 60_000;
        for (int s = 1; s < 5; s++) {
            assertFalse(idle.check(now + s * 1000L), "quiet for " + s + " s, less than 5");
        }
        assertTrue(idle.check(now + 5_000), "quiet for 5 s");
        for (int s = 6; s < 100; s++) {
            assertFalse(idle.check(now + s * 1000L), "once per quiet spell, not again at " + s + " s");
        }
        // A message re-arms it: the next quiet spell shrinks again, 5 s after that message.
        published.incrementAndGet();
        assertFalse(idle.check(now + 100_000));
        assertFalse(idle.check(now + 104_000));
        assertTrue(idle.check(now + 105_000));
    }

    @Test
    void offUnlessThePropertySaysSecondsAndABadValueIsNamed() {
        String old = System.getProperty(IdleHeapShrink.PROPERTY);
        try {
            System.clearProperty(IdleHeapShrink.PROPERTY);
            assertEquals(0, IdleHeapShrink.configuredMillis());
            System.setProperty(IdleHeapShrink.PROPERTY, "5");
            assertEquals(5_000, IdleHeapShrink.configuredMillis());
            System.setProperty(IdleHeapShrink.PROPERTY, "5s");
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, IdleHeapShrink::configuredMillis);
            assertTrue(e.getMessage().contains("-Dcertstream.idleHeapShrinkSeconds=5s"), e.getMessage());
        } finally {
            if (old == null) {
                System.clearProperty(IdleHeapShrink.PROPERTY);
            } else {
                System.setProperty(IdleHeapShrink.PROPERTY, old);
            }
        }
    }

    /**
     * In a JVM with the heap settings of config/jvm.options (serial collector, 16-48 MiB, young 4-12 MiB): a heap grown
     * to its cap by data that then died is given back, and the free ratios are as before.
     */
    @Test
    void shrinksAHeapGrownToItsCapWithTheShippedCollector() throws Exception {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Process p = new ProcessBuilder(java, "-Xms16m", "-Xmx48m", "-XX:NewSize=4m",
                "-XX:MaxNewSize=12m", "-XX:+UseSerialGC",
                "-cp", System.getProperty("java.class.path"), GrowThenShrink.class.getName())
                .redirectErrorStream(true).start();
        assertTrue(p.waitFor(60, TimeUnit.SECONDS), "child JVM did not finish");
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
        assertEquals(0, p.exitValue(), out);
        String[] f = out.lines().reduce((a, b) -> b).orElseThrow().split(" ");
        long grown = Long.parseLong(f[0]);
        long shrunk = Long.parseLong(f[1]);
        assertTrue(grown >= 42L << 20, "the heap did not grow to its cap first: " + out);
        assertTrue(shrunk <= 24L << 20, "committed heap after the shrink: " + out);
        assertEquals("70 40", f[2] + " " + f[3], "MaxHeapFreeRatio and MinHeapFreeRatio restored: " + out);
    }

    /** The child JVM: fills the old generation with 32 MiB that then die, shrinks, prints what was committed. */
    public static final class GrowThenShrink {
        public static void main(String[] args) throws IOException {
            List<byte[]> held = new ArrayList<>();
            for (int i = 0; i < 32 * 16; i++) {
                held.add(new byte[64 << 10]);
            }
            System.gc(); // what is held moves to the old generation, which grows to hold it
            long grown = IdleHeapShrink.committed();
            held.clear();
            IdleHeapShrink.shrink();
            var vm = java.lang.management.ManagementFactory.getPlatformMXBean(
                    com.sun.management.HotSpotDiagnosticMXBean.class);
            System.out.println(grown + " " + IdleHeapShrink.committed() + " "
                    + vm.getVMOption("MaxHeapFreeRatio").getValue() + " " + vm.getVMOption("MinHeapFreeRatio").getValue());
        }
    }
}
