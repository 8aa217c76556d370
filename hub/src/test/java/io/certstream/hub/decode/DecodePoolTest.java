package io.certstream.hub.decode;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

class DecodePoolTest {

    @Test
    void keepsEntryOrderAcrossChunksAndDropsWhatAChunkLeavesOut() {
        List<Integer> entries = IntStream.range(0, 1000).boxed().toList();
        Set<String> threads = ConcurrentHashMap.newKeySet();
        // Like the watcher: a chunk returns fewer results than entries when some fail to decode.
        List<Integer> out = DecodePool.map(entries, chunk -> {
            threads.add(Thread.currentThread().getName());
            return chunk.stream().filter(i -> i % 7 != 0).map(i -> i * 2).toList();
        });
        assertEquals(entries.stream().filter(i -> i % 7 != 0).map(i -> i * 2).toList(), out);
        int cores = Runtime.getRuntime().availableProcessors();
        assertEquals(Math.min(cores, 1000 / DecodePool.MIN_CHUNK), threads.size(), "one chunk per core: " + threads);
    }

    @Test
    void smallBatchesStayOnTheCallingThread() {
        String caller = Thread.currentThread().getName();
        List<String> out = DecodePool.map(List.of(1, 2, 3), chunk -> chunk.stream().map(i -> Thread.currentThread().getName()).toList());
        assertEquals(List.of(caller, caller, caller), out);
    }

    @Test
    void aFailingChunkFailsTheBatchWithItsOwnException() {
        IllegalStateException bug = new IllegalStateException("decoder bug");
        List<Integer> entries = IntStream.range(0, 500).boxed().toList();
        IllegalStateException thrown = assertThrows(IllegalStateException.class, () -> DecodePool.map(entries, chunk -> {
            if (chunk.contains(499)) {
                throw bug;
            }
            return chunk;
        }));
        assertSame(bug, thrown);
        assertTrue(Runtime.getRuntime().availableProcessors() >= 1);
    }

    @Test
    void aFullQueueHasTheCallersDecodeTheirOwnChunksInOrder() throws Exception {
        int cores = Runtime.getRuntime().availableProcessors();
        assumeTrue(cores >= 2, "one core: every batch stays on its calling thread");
        // More callers at once than the pool's threads plus its queue hold, each with slow chunks, as many
        // watchers catching up together would be.
        int callers = cores + DecodePool.QUEUE + 8;
        List<Integer> entries = IntStream.range(0, 2 * cores * DecodePool.MIN_CHUNK).boxed().toList();
        long before = DecodePool.callerRuns();
        CyclicBarrier together = new CyclicBarrier(callers);
        ExecutorService workers = Executors.newFixedThreadPool(callers);
        try {
            List<Future<List<Integer>>> results = new ArrayList<>();
            for (int c = 0; c < callers; c++) {
                results.add(workers.submit(() -> {
                    together.await();
                    return DecodePool.map(entries, chunk -> {
                        sleep(50);
                        return chunk;
                    });
                }));
            }
            for (Future<List<Integer>> result : results) {
                assertEquals(entries, result.get(60, TimeUnit.SECONDS), "nothing dropped or reordered");
            }
        } finally {
            workers.shutdownNow();
        }
        assertTrue(DecodePool.callerRuns() > before, "some chunks ran on their caller");
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
