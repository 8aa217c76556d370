package io.certstream.hub.publish;

import io.certstream.hub.ct.rfc6962.EntriesParser;
import io.certstream.hub.decode.LogEntryDecoder;
import io.certstream.hub.decode.RawEntry;
import io.certstream.hub.testing.CtData;
import io.certstream.hub.wire.Cursor;
import io.certstream.hub.wire.EncodedUpdate;
import io.certstream.hub.wire.StreamType;
import io.certstream.model.CertificateUpdate;
import io.certstream.model.LogSource;
import io.vertx.core.buffer.Buffer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.zip.Deflater;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * What the disk part of the replay buffer costs on 1,024 real certificates (Navigli, from ctdata): bytes per message
 * on disk, CPU per message of the publisher's hand-off and of the writer thread, resume read speed, and what
 * compressing the segments would save and cost (the figures in docs/performance.md).
 */
class ReplayDiskCostTest {
    private static final LogSource SOURCE = new LogSource("Navigli 2025h2", "https://navigli2025h2.ct.example", null,
            LogSource.RFC6962);
    private static final ThreadMXBean CPU = ManagementFactory.getThreadMXBean();
    private static final int ROUNDS = 20;

    @TempDir
    Path dir;

    private static List<Published> certificates(long millis) throws Exception {
        List<RawEntry> raw = EntriesParser.parse(Buffer.buffer(Files.readAllBytes(
                CtData.file("rfc6962/navigli2025h2_derived/get-entries_start0_end1023.json"))), 0, "ctdata");
        LogEntryDecoder decoder = new LogEntryDecoder();
        List<Published> out = new ArrayList<>();
        for (RawEntry e : raw) {
            CertificateUpdate u = decoder.decode(e, SOURCE, "link", millis);
            out.add(published(u, millis, 0));
        }
        return out;
    }

    private static Published published(CertificateUpdate u, long millis, int counter) {
        EncodedUpdate encoded = EncodedUpdate.of(u, 1);
        Cursor c = encoded.stamp(Cursor.stamp(millis, counter));
        return new Published(c, c.toString(), false,
                new Published.Facts(u.leaf().allDomains(), u.updateType(), SOURCE.name(), SOURCE.url()),
                encoded.full(), encoded.lite(), encoded.domainsOnly());
    }

    /** The same messages again with new cursors (a later round), without decoding again. */
    private static Published again(Published p, long millis, int counter) {
        Cursor c = new Cursor(Cursor.stamp(millis, counter), 1, p.cursor().index());
        return new Published(c, c.toString(), false, p.facts(), p.full(), p.lite(), p.domainsOnly());
    }

    @Test
    void diskCostPerMessage() throws Exception {
        long now = System.currentTimeMillis();
        List<Published> real = certificates(now);
        ReplayBuffer buffer = new ReplayBuffer(600_000, 8 << 20);
        ReplaySegments disk = ReplaySegments.open(dir, 600_000, 4096L << 20, now);
        buffer.attach(disk);
        Thread writer = Thread.getAllStackTraces().keySet().stream()
                .filter(t -> t.getName().equals("certstream-replay-writer")).findFirst().orElseThrow();
        long writerBefore = CPU.getThreadCpuTime(writer.getId());
        long appendCpu = 0;
        int n = 0;
        for (int r = 0; r < ROUNDS; r++) {
            // In batches of 256, as watchers publish, paced so the writer's bounded queue never fills.
            for (int i = 0; i < real.size(); i += 256) {
                long start = CPU.getCurrentThreadCpuTime();
                for (int k = i; k < Math.min(real.size(), i + 256); k++) {
                    buffer.append(again(real.get(k), now + n / 1000, n % 1000), now);
                    n++;
                }
                appendCpu += CPU.getCurrentThreadCpuTime() - start;
                while (disk.handledBefore() < n) {
                    Thread.sleep(1);
                }
            }
        }
        double writeNs = (CPU.getThreadCpuTime(writer.getId()) - writerBefore) / (double) n;
        assertEquals(n, disk.diskMessages());
        assertEquals(0, disk.drops());
        long retained = real.stream().mapToLong(Published::retainedBytes).sum() / real.size();
        long onDisk = disk.diskBytes() / n;
        System.out.printf(Locale.ROOT, "replay disk: %d messages, %d bytes per message on disk (%d in memory), publisher"
                        + " hand-off %.2f us, writer %.1f us CPU per message%n",
                n, onDisk, retained, appendCpu / 1000.0 / n, writeNs / 1000);
        assertTrue(onDisk > 5_000 && onDisk < 20_000, "three messages and the facts: " + onDisk);

        // The first pass warms the JIT (and is checked like the others), the next two are measured.
        for (StreamType stream : new StreamType[] {StreamType.DOMAINS_ONLY, StreamType.LITE, StreamType.FULL}) {
            long start = System.nanoTime();
            long cpu = CPU.getCurrentThreadCpuTime();
            Cursor before = new Cursor(Cursor.stamp(now - 1, 0), 0, 0);
            ReplayBuffer.Page page = buffer.after(before, 256, stream);
            long read = 0;
            while (!page.entries().isEmpty() || page.more()) {
                read += page.entries().size();
                Cursor last = page.entries().isEmpty() ? before : page.entries().get(page.entries().size() - 1).cursor();
                page = buffer.from(page.next(), last, 256, stream);
            }
            double seconds = (System.nanoTime() - start) / 1e9;
            System.out.printf(Locale.ROOT, "replay read (%s, page cache warm): %d messages in %.2f s, %.0f messages/s,"
                            + " %.1f us CPU per message%n", stream.label(), read, seconds, read / seconds,
                    (CPU.getCurrentThreadCpuTime() - cpu) / 1000.0 / read);
            assertEquals(n, read);
        }
        disk.close();

        // The alternative: deflate each ~64 KB block of records (a shared window inside the block, where the
        // intermediates of consecutive certificates repeat).
        for (int level : new int[] {1, 6}) {
            Deflater deflater = new Deflater(level);
            ReplayRecord record = new ReplayRecord();
            ByteArrayOutputStream block = new ByteArrayOutputStream(1 << 17);
            byte[] out = new byte[1 << 18];
            long in = 0;
            long compressed = 0;
            long cpu = CPU.getCurrentThreadCpuTime();
            for (int r = 0; r < 5; r++) {
                for (Published p : real) {
                    record.write(p, block);
                    if (block.size() >= 64 << 10) {
                        in += block.size();
                        deflater.reset();
                        deflater.setInput(block.toByteArray());
                        deflater.finish();
                        while (!deflater.finished()) {
                            compressed += deflater.deflate(out);
                        }
                        block.reset();
                    }
                }
            }
            double ns = (CPU.getCurrentThreadCpuTime() - cpu) / (5.0 * real.size());
            System.out.printf(Locale.ROOT, "replay deflate level %d, 64 KB blocks: %.0f%% of the bytes, %.1f us CPU per"
                    + " message (encoding included)%n", level, 100.0 * compressed / in, ns / 1000);
        }
    }
}
