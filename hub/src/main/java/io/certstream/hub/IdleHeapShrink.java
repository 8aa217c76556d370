package io.certstream.hub;

import com.sun.management.HotSpotDiagnosticMXBean;

import java.lang.management.ManagementFactory;
import java.lang.management.MemoryUsage;
import java.util.function.LongSupplier;
import java.util.logging.Logger;
import javax.management.JMException;
import javax.management.ObjectName;

/**
 * Gives the heap a busy hub grew to back to the OS once the hub has published nothing for a while. With the serial
 * collector of {@code config/jvm.options} the heap, once grown to {@code -Xmx} under load, stays committed and
 * touched (resident) for the life of the process: about 30 MiB more than a hub that never had load. A full collection
 * shrinks the old generation to what is live plus {@code MaxHeapFreeRatio}; setting that ratio low for the whole run
 * is no good (a catch-up then collects fully hundreds of times, docs/performance.md "Footprint"), so it is lowered
 * only for the few collections made here, when nothing is published and a pause costs nobody anything.
 *
 * <p>On when the system property {@code certstream.idleHeapShrinkSeconds} (set in {@code config/jvm.options}) is
 * above 0: the quiet time after which the heap is shrunk, once per quiet spell. {@link #check} runs on the hub's
 * one-second timer; the collections run on a worker thread.
 */
final class IdleHeapShrink {
    static final String PROPERTY = "certstream.idleHeapShrinkSeconds";
    private static final Logger LOG = Logger.getLogger(IdleHeapShrink.class.getName());
    /**
     * The serial collector shrinks in steps, 0%, 10%, 40%, then 100% of the excess on consecutive full collections
     * (ShrinkHeapInSteps), so that a program calling System.gc() between phases does not shrink at once.
     */
    private static final int COLLECTIONS = 4;

    private final LongSupplier published;
    private final long quietMillis;
    private long lastCount = Long.MIN_VALUE;
    private long quietSince;
    private boolean shrunk;

    /**
     * @param published   a count that grows with every message published (the hub's certificates published)
     * @param quietMillis how long the count must stand still before the heap is shrunk
     */
    IdleHeapShrink(LongSupplier published, long quietMillis) {
        this.published = published;
        this.quietMillis = quietMillis;
    }

    /** The quiet time of the system property in milliseconds; 0 when it is not set (off). */
    static long configuredMillis() {
        String value = System.getProperty(PROPERTY, "0").trim();
        try {
            return Math.max(0, Long.parseLong(value)) * 1000;
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("-D" + PROPERTY + "=" + value
                    + " (config/jvm.options or JAVA_OPTS): not a whole number of seconds", e);
        }
    }

    /**
     * Called every second or so: true once per quiet spell, when nothing was published for the quiet time; the caller
     * then runs {@link #shrink()} off the event loop. A message published re-arms it.
     */
    boolean check(long nowMillis) {
        long count = published.getAsLong();
        if (count != lastCount) {
            lastCount = count;
            quietSince = nowMillis;
            shrunk = false;
            return false;
        }
        if (shrunk || nowMillis - quietSince < quietMillis) {
            return false;
        }
        shrunk = true;
        return true;
    }

    /** Full collections with MaxHeapFreeRatio lowered to 10 for them (it is a manageable flag), then restored. */
    static void shrink() {
        HotSpotDiagnosticMXBean vm = ManagementFactory.getPlatformMXBean(HotSpotDiagnosticMXBean.class);
        String min = vm.getVMOption("MinHeapFreeRatio").getValue();
        String max = vm.getVMOption("MaxHeapFreeRatio").getValue();
        long before = committed();
        long start = System.nanoTime();
        try {
            // Min <= Max at every step, or the VM refuses the change.
            vm.setVMOption("MinHeapFreeRatio", "0");
            vm.setVMOption("MaxHeapFreeRatio", "10");
            for (int i = 0; i < COLLECTIONS; i++) {
                System.gc();
            }
        } finally {
            vm.setVMOption("MaxHeapFreeRatio", max);
            vm.setVMOption("MinHeapFreeRatio", min);
        }
        trimNativeHeap();
        long after = committed();
        LOG.fine(() -> String.format("idle: heap shrunk from %.1f to %.1f MiB committed in %d ms", before / 1048576.0,
                after / 1048576.0, (System.nanoTime() - start) / 1_000_000));
    }

    /**
     * Gives what the C heap freed back to the OS now (the {@code System.trim_native_heap} diagnostic command, as
     * {@code jcmd} runs it): the shrink and the load before it freed native memory that glibc would otherwise keep until
     * the next periodic trim ({@code -XX:TrimNativeHeapInterval}). A JVM without the command skips it.
     */
    static void trimNativeHeap() {
        try {
            ManagementFactory.getPlatformMBeanServer().invoke(new ObjectName("com.sun.management:type=DiagnosticCommand"),
                    "systemTrimNativeHeap", new Object[0], new String[0]);
        } catch (JMException | RuntimeException e) {
            LOG.fine(() -> "idle: no native heap trim (" + e + ")");
        }
    }

    static long committed() {
        MemoryUsage heap = ManagementFactory.getMemoryMXBean().getHeapMemoryUsage();
        return heap.getCommitted();
    }
}
