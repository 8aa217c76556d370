package io.certstream.hub.web;

import io.certstream.hub.ct.rfc6962.EntriesParser;
import io.certstream.hub.decode.LogEntryDecoder;
import io.certstream.hub.decode.RawEntry;
import io.certstream.hub.publish.Published;
import io.certstream.hub.testing.CtData;
import io.certstream.hub.wire.Cursor;
import io.certstream.hub.wire.EncodedUpdate;
import io.certstream.hub.wire.StreamType;
import io.certstream.model.CertificateUpdate;
import io.certstream.model.LogSource;
import io.vertx.core.MultiMap;
import io.vertx.core.buffer.Buffer;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.zip.Deflater;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * What filters and per-client compression cost, on 1,024 real certificates (Navigli, from ctdata), measured in CPU
 * time of this thread (the figures in docs/performance.md). Each measurement also checks its result: the grouped,
 * indexed delivery reaches exactly the clients a naive per-client test would.
 */
class StreamCostTest {
    private static final LogSource SOURCE = new LogSource("Navigli 2025h2", "https://navigli2025h2.ct.example", null, LogSource.RFC6962);
    private static final ThreadMXBean CPU = ManagementFactory.getThreadMXBean();
    private static List<Published> certificates;

    @BeforeAll
    static void decode() throws Exception {
        List<RawEntry> raw = EntriesParser.parse(Buffer.buffer(Files.readAllBytes(
                CtData.file("rfc6962/navigli2025h2_derived/get-entries_start0_end1023.json"))), 0, "ctdata");
        LogEntryDecoder decoder = new LogEntryDecoder();
        certificates = new ArrayList<>();
        long stamp = Cursor.stamp(1_700_000_000_000L, 0);
        for (RawEntry e : raw) {
            CertificateUpdate u = decoder.decode(e, SOURCE, "link", 1_700_000_000_000L);
            EncodedUpdate encoded = EncodedUpdate.of(u, 1);
            Cursor c = encoded.stamp(stamp++);
            certificates.add(new Published(c, c.toString(), false,
                    new Published.Facts(u.leaf().allDomains(), u.updateType(), SOURCE.name(), SOURCE.url()),
                    encoded.full(), encoded.lite(), encoded.domainsOnly()));
        }
        long full = certificates.stream().mapToLong(p -> p.full().length()).sum();
        long all = certificates.stream().mapToLong(p -> p.full().length() + p.lite().length() + p.domainsOnly().length()).sum();
        System.out.printf(Locale.ROOT, "replay cost: %d real certificates, full message %d bytes on average, all three %d%n",
                certificates.size(), full / certificates.size(), all / certificates.size());
    }

    /** Counts what it is given: the measurement's sink, standing where a socket write would be. */
    private static final class Counting extends Subscriber {
        long received;

        Counting(StreamFilter filter) {
            super(StreamType.LITE, filter);
        }

        @Override
        Buffer frame(Published p, SharedFrames frames) {
            return p.lite();
        }

        @Override
        boolean deliver(Buffer bytes, SharedFrames frames, long now) {
            received++;
            return true;
        }

        @Override
        boolean heartbeat(Buffer json, long now) {
            return true;
        }

        @Override
        void write(Buffer bytes) {
        }

        @Override
        void writeNotice(Buffer json) {
        }

        @Override
        boolean writeQueueFull() {
            return false;
        }

        @Override
        void onDrain(Runnable then) {
        }

        @Override
        boolean isClosed() {
            return false;
        }

        @Override
        boolean stalledInReplay(long now) {
            return false;
        }
    }

    @Test
    void thousandDistinctDomainFiltersCostAFewLookUpsPerCertificate() {
        // 1,000 clients, each with its own domain=: half name a registrable domain seen in the data, half do not.
        Set<String> names = new LinkedHashSet<>();
        for (Published p : certificates) {
            for (String d : p.facts().domains()) {
                String n = StreamFilter.normalizedCertName(d);
                String[] labels = n.split("\\.");
                if (labels.length >= 2) {
                    names.add(labels[labels.length - 2] + "." + labels[labels.length - 1]);
                }
            }
        }
        List<String> filters = new ArrayList<>(names).subList(0, Math.min(500, names.size()));
        filters = new ArrayList<>(filters);
        for (int i = filters.size(); i < 1000; i++) {
            filters.add("absent-" + i + ".example");
        }
        double ns = measureAudience(filters.stream().map(f -> query("domain=" + f)).toList(), "1,000 distinct domain=");
        assertTrue(ns < 200_000, "under 0.2 ms per certificate for 1,000 filters: " + ns);
    }

    @Test
    void sharedFiltersAreTestedOncePerGroup() {
        List<StreamFilter> same = new ArrayList<>();
        for (int i = 0; i < 1000; i++) {
            same.add(query("domain=com&type=precert"));
        }
        measureAudience(same, "1,000 clients sharing one domain= filter");
        List<StreamFilter> regexes = new ArrayList<>();
        for (int i = 0; i < 100; i++) {
            regexes.add(query("match=" + "^shop" + i + "\\."));
        }
        measureAudience(regexes, "100 distinct match= regexes (tested one by one)");
    }

    private double measureAudience(List<StreamFilter> filters, String what) {
        Audience audience = new Audience();
        List<Counting> clients = new ArrayList<>();
        for (StreamFilter f : filters) {
            Counting c = new Counting(f);
            clients.add(c);
            audience.add(c);
        }
        boolean[] shed = new boolean[StreamType.values().length];
        int rounds = 20;
        long start = CPU.getCurrentThreadCpuTime();
        for (int r = 0; r < rounds; r++) {
            for (Published p : certificates) {
                audience.deliver(p, shed, 0, s -> { });
            }
        }
        double ns = (CPU.getCurrentThreadCpuTime() - start) / (double) (rounds * certificates.size());
        long delivered = clients.stream().mapToLong(c -> c.received).sum();
        // The same result as testing every certificate against every client's filter.
        long naive = 0;
        for (Counting c : clients) {
            for (Published p : certificates) {
                naive += c.filter.test(p, c.compiled) ? 1 : 0;
            }
        }
        assertEquals(naive * rounds, delivered, what);
        System.out.printf(Locale.ROOT, "filter cost: %s: %d groups, %.1f us CPU per certificate, %.1f deliveries per certificate%n",
                what, audience.groups(), ns / 1000, delivered / (double) (rounds * certificates.size()));
        return ns;
    }

    @Test
    void perClientDeflateCost() {
        for (int level : new int[] {1, 6}) {
            for (boolean takeover : new boolean[] {true, false}) {
                deflate(level, takeover);
            }
        }
    }

    /**
     * What permessage-deflate costs per client and message: zlib at {@code level}, a sync flush at the end of each
     * message, the sliding window kept across messages (context takeover, as negotiated by default) or not.
     */
    private void deflate(int level, boolean takeover) {
        Deflater deflater = new Deflater(level, true);
        byte[] out = new byte[64 * 1024];
        long in = 0;
        long compressed = 0;
        int rounds = 10;
        long start = CPU.getCurrentThreadCpuTime();
        for (int r = 0; r < rounds; r++) {
            for (Published p : certificates) {
                byte[] text = p.lite().getBytes();
                if (!takeover) {
                    deflater.reset();
                }
                deflater.setInput(text);
                int n;
                do {
                    n = deflater.deflate(out, 0, out.length, Deflater.SYNC_FLUSH);
                    compressed += n;
                } while (n == out.length);
                in += text.length;
            }
        }
        double ns = (CPU.getCurrentThreadCpuTime() - start) / (double) (rounds * certificates.size());
        deflater.end();
        System.out.printf(Locale.ROOT, "deflate cost: level %d, context takeover %s: lite message of %d bytes on average"
                        + " -> %.0f%%, %.1f us CPU per message per client%n",
                level, takeover, in / (rounds * certificates.size()), 100.0 * compressed / in, ns / 1000);
        assertTrue(compressed < in * 0.7, "real lite messages deflate to well under their size");
    }

    private static StreamFilter query(String q) {
        MultiMap params = MultiMap.caseInsensitiveMultiMap();
        for (String kv : q.split("&")) {
            String[] p = kv.split("=", 2);
            params.add(p[0], p[1]);
        }
        return StreamQuery.parse(StreamType.LITE, params, null).filter();
    }
}
