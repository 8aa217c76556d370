package io.certstream.hub.decode;

import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Function;

/**
 * Spreads one batch of entries over the CPU cores. A log that is catching up hands the hub a batch of up to a few
 * thousand entries at a time, one batch after the other; decoding each batch on a single thread would leave the
 * other cores idle while that log (often the only busy one after downtime) waits. The batch is cut into one
 * contiguous chunk per core; the calling worker thread decodes the first and waits for the rest, and the results
 * come back in entry order. Shared by all watchers: the pool has one thread per core, so busy logs share the
 * cores instead of multiplying threads. Its queue is bounded ({@link #QUEUE}); when it is full the caller decodes
 * the chunk itself ({@link #callerRuns()} counts it).
 */
public final class DecodePool {
    /** Below this many entries per chunk, handing work to another thread costs more than it saves. */
    static final int MIN_CHUNK = 32;
    private static final int THREADS = Math.max(1, Runtime.getRuntime().availableProcessors());
    /**
     * Chunks waiting for a pool thread. Each {@link #map} queues at most THREADS - 1 chunks, so this holds a few
     * batches' worth; more only piles up when many watchers catch up at once, and then the cores are the limit anyway.
     */
    static final int QUEUE = 4 * THREADS;
    private static final LongAdder CALLER_RUNS = new LongAdder();
    /**
     * Full queue: the caller decodes the chunk itself. Callers are worker threads (never event loops) that wait for
     * their chunks anyway, so running one more costs them nothing, slows the busiest watchers first (back-pressure
     * on their next get-entries) and never drops or reorders an entry; an unbounded queue would instead hold every
     * waiting batch's entries in memory.
     */
    private static final ExecutorService POOL = new ThreadPoolExecutor(THREADS, THREADS, 0, TimeUnit.MILLISECONDS,
            new ArrayBlockingQueue<>(QUEUE), new ThreadFactoryImpl(), (task, pool) -> {
                CALLER_RUNS.increment();
                if (!pool.isShutdown()) {
                    task.run();
                }
            });

    private DecodePool() {
    }

    /** Registers the pool's meters (shown in /metrics): decode is below metrics, so it binds its own. */
    public static void bindMetrics(MeterRegistry registry) {
        FunctionCounter.builder("certstream.decode.caller.runs", DecodePool.class, c -> callerRuns())
                .description("chunks of a batch decoded by the calling worker because the decode pool's queue was full")
                .register(registry);
    }

    /** Chunks the callers decoded themselves because the pool's queue was full (shown in /metrics). */
    public static long callerRuns() {
        return CALLER_RUNS.sum();
    }

    /**
     * Applies {@code decodeChunk} to contiguous chunks of {@code entries} on up to one thread per core and
     * concatenates the results in order. Blocks until all chunks are done: call it from a worker thread, never
     * from an event loop. An exception thrown by a chunk is rethrown here (decoders catch per-entry failures
     * themselves, so this is a bug, not a bad entry).
     */
    public static <T, R> List<R> map(List<T> entries, Function<List<T>, List<R>> decodeChunk) {
        int chunks = Math.min(THREADS, entries.size() / MIN_CHUNK);
        if (chunks <= 1) {
            return decodeChunk.apply(entries);
        }
        int size = (entries.size() + chunks - 1) / chunks;
        List<CompletableFuture<List<R>>> others = new ArrayList<>(chunks - 1);
        for (int from = size; from < entries.size(); from += size) {
            List<T> chunk = entries.subList(from, Math.min(entries.size(), from + size));
            others.add(CompletableFuture.supplyAsync(() -> decodeChunk.apply(chunk), POOL));
        }
        List<R> out = new ArrayList<>(entries.size());
        out.addAll(decodeChunk.apply(entries.subList(0, size)));
        try {
            for (CompletableFuture<List<R>> other : others) {
                out.addAll(other.join());
            }
        } catch (CompletionException e) {
            if (e.getCause() instanceof RuntimeException r) {
                throw r;
            }
            if (e.getCause() instanceof Error err) {
                throw err;
            }
            throw e;
        }
        return out;
    }

    private static final class ThreadFactoryImpl implements ThreadFactory {
        private final AtomicInteger count = new AtomicInteger();

        @Override
        public Thread newThread(Runnable r) {
            Thread t = new Thread(r, "certstream-decode-" + count.incrementAndGet());
            t.setDaemon(true);
            return t;
        }
    }
}
