package io.certstream.hub.decode;

import io.certstream.hub.ct.rfc6962.EntriesParser;
import io.certstream.hub.sim.IssuedEntry;
import io.certstream.hub.sim.SimulatedCtLog;
import io.certstream.hub.sim.SimulatedLogOptions;
import io.certstream.hub.testing.CtData;
import io.certstream.model.LogSource;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import org.junit.jupiter.api.Test;
import org.opentest4j.TestAbortedException;

import java.nio.file.Files;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * Feeds mutated real entries (ctdata's captured get-entries bodies and the simulator's entries) to the decoder:
 * bit flips, truncations, TLS and DER length edits, inserted and removed bytes. Whatever the input, the decoder
 * returns an update or throws {@link MalformedEntryException}, and never hangs.
 */
class DecoderFuzzTest {
    /** At least 10,000 by default; {@code -Dfuzz.mutations=N -Dfuzz.seed=S} fuzzes longer or differently. */
    private static final int MUTATIONS = Integer.getInteger("fuzz.mutations", 12_000);
    private static final long SEED = Long.getLong("fuzz.seed", 20261125);
    private static final int BATCH = 500;
    private static final LogSource SOURCE = new LogSource("fuzz", "https://fuzz.example", null, LogSource.RFC6962);

    @Test
    void mutatedEntriesEndInAnUpdateOrMalformedEntryExceptionNeverAnotherFailureOrAHang() throws Exception {
        List<RawEntry> seeds = new ArrayList<>(simulatorEntries());
        int fromSimulator = seeds.size();
        seeds.addAll(realEntries());
        assertTrue(seeds.size() >= 32, "seed entries: " + seeds.size());

        LogEntryDecoder decoder = new LogEntryDecoder();
        for (RawEntry seed : seeds) {
            decoder.decode(seed, SOURCE, "link", 0); // every seed is valid before it is mutated
        }
        Random random = new Random(SEED);
        int[] outcome = new int[2]; // decoded, malformed
        List<String> escaped = new ArrayList<>();
        for (int done = 0; done < MUTATIONS; done += BATCH) {
            List<Mutant> batch = new ArrayList<>(BATCH);
            for (int i = 0; i < BATCH; i++) {
                batch.add(mutate(seeds.get(random.nextInt(seeds.size())), random, done + i));
            }
            assertTimeoutPreemptively(Duration.ofSeconds(30), () -> {
                for (Mutant m : batch) {
                    try {
                        decoder.decode(m.entry(), SOURCE, "link", 0);
                        outcome[0]++;
                    } catch (MalformedEntryException e) {
                        outcome[1]++;
                    } catch (Throwable e) {
                        if (escaped.size() < 20) {
                            escaped.add(m.how() + ": " + e);
                        }
                    }
                }
            }, "a batch of " + BATCH + " mutated entries hung");
        }
        System.out.printf("decoder fuzz (seed %d): %d mutants of %d seeds (%d from the simulator): %d decoded, %d malformed%n",
                SEED, MUTATIONS, seeds.size(), fromSimulator, outcome[0], outcome[1]);
        if (!escaped.isEmpty()) {
            fail("exceptions other than MalformedEntryException escaped the decoder:\n" + String.join("\n", escaped));
        }
        assertEquals(MUTATIONS, outcome[0] + outcome[1]);
        assertTrue(outcome[1] > MUTATIONS / 4, "most mutations break an entry and are counted as malformed: " + outcome[1]);
        assertTrue(outcome[0] > 0, "some mutations (e.g. in signatures) still decode: " + outcome[0]);
    }

    private record Mutant(RawEntry entry, String how) {
    }

    static Mutant mutate(RawEntry seed, Random random, int n) {
        boolean leaf = random.nextInt(3) == 0;
        byte[] bytes = (leaf ? seed.leafInput() : seed.extraData()).clone();
        String field = leaf ? "leaf_input" : "extra_data";
        String how;
        switch (random.nextInt(7)) {
            case 0 -> {
                int flips = 1 + random.nextInt(8);
                for (int i = 0; i < flips; i++) {
                    int at = random.nextInt(bytes.length);
                    bytes[at] ^= (byte) (1 << random.nextInt(8));
                }
                how = flips + " bit flips";
            }
            case 1 -> {
                int length = random.nextInt(bytes.length);
                bytes = Arrays.copyOf(bytes, length);
                how = "truncated to " + length;
            }
            case 2 -> {
                // A TLS length field: the u24 at the start of extra_data or after the leaf's fixed header.
                int at = leaf ? Math.min(12, bytes.length - 3) : 0;
                int value = editedLength(random, ((bytes[at] & 0xFF) << 16) | ((bytes[at + 1] & 0xFF) << 8) | (bytes[at + 2] & 0xFF));
                bytes[at] = (byte) (value >> 16);
                bytes[at + 1] = (byte) (value >> 8);
                bytes[at + 2] = (byte) value;
                how = "TLS length at " + at + " set to " + value;
            }
            case 3 -> {
                // A DER length: the byte after a SEQUENCE tag, or its long-form length bytes.
                List<Integer> sequences = new ArrayList<>();
                for (int i = 0; i + 1 < bytes.length; i++) {
                    if (bytes[i] == 0x30 && (bytes[i + 1] & 0xFF) >= 0x81 && (bytes[i + 1] & 0xFF) <= 0x83) {
                        sequences.add(i + 1);
                    }
                }
                if (sequences.isEmpty()) {
                    bytes[random.nextInt(bytes.length)] = (byte) random.nextInt(256);
                    how = "random byte (no DER length found)";
                } else {
                    int at = sequences.get(random.nextInt(sequences.size()));
                    int lengthBytes = (bytes[at] & 0x7F);
                    int which = at + (random.nextBoolean() ? 0 : 1 + random.nextInt(lengthBytes));
                    if (which < bytes.length) {
                        bytes[which] = (byte) (random.nextBoolean() ? bytes[which] + (random.nextBoolean() ? 1 : -1) : random.nextInt(256));
                    }
                    how = "DER length byte at " + which;
                }
            }
            case 4 -> {
                int at = random.nextInt(bytes.length + 1);
                int count = 1 + random.nextInt(16);
                byte[] grown = new byte[bytes.length + count];
                System.arraycopy(bytes, 0, grown, 0, at);
                for (int i = 0; i < count; i++) {
                    grown[at + i] = (byte) random.nextInt(256);
                }
                System.arraycopy(bytes, at, grown, at + count, bytes.length - at);
                bytes = grown;
                how = count + " bytes inserted at " + at;
            }
            case 5 -> {
                int at = random.nextInt(bytes.length);
                int count = Math.min(bytes.length - at, 1 + random.nextInt(16));
                byte[] shrunk = new byte[bytes.length - count];
                System.arraycopy(bytes, 0, shrunk, 0, at);
                System.arraycopy(bytes, at + count, shrunk, at, bytes.length - at - count);
                bytes = shrunk;
                how = count + " bytes removed at " + at;
            }
            default -> {
                // A run of 0xFF or 0x00 over a random span: huge or empty lengths, tags and values.
                int at = random.nextInt(bytes.length);
                int count = Math.min(bytes.length - at, 1 + random.nextInt(8));
                Arrays.fill(bytes, at, at + count, random.nextBoolean() ? (byte) 0xFF : 0);
                how = count + " bytes overwritten at " + at;
            }
        }
        RawEntry entry = leaf ? new RawEntry(seed.index(), bytes, seed.extraData())
                : new RawEntry(seed.index(), seed.leafInput(), bytes);
        return new Mutant(entry, "mutant " + n + " of entry " + seed.index() + ": " + field + " " + how);
    }

    private static int editedLength(Random random, int original) {
        return switch (random.nextInt(4)) {
            case 0 -> Math.max(0, original - 1 - random.nextInt(8));
            case 1 -> Math.min(0xFFFFFF, original + 1 + random.nextInt(8));
            case 2 -> 0;
            default -> 0xFFFFFF;
        };
    }

    private static List<RawEntry> simulatorEntries() throws Exception {
        Vertx vertx = Vertx.vertx();
        try {
            SimulatedCtLog log = SimulatedCtLog.start(vertx,
                            SimulatedLogOptions.defaults().withInitialSize(48).withEntriesPerSecond(0))
                    .toCompletionStage().toCompletableFuture().get(60, TimeUnit.SECONDS);
            List<RawEntry> entries = new ArrayList<>();
            for (long i = 0; i < log.size(); i++) {
                IssuedEntry issued = log.entry(i);
                entries.add(new RawEntry(1_000_000 + i, issued.raw().leafInput(), issued.raw().extraData()));
            }
            return entries;
        } finally {
            vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
        }
    }

    /** Real entries from ../shared/ctdata, or none (the simulator's still run) when it is absent. */
    private static List<RawEntry> realEntries() throws Exception {
        List<RawEntry> entries = new ArrayList<>();
        try {
            for (String file : List.of("rfc6962/assembled_mixed/get-entries_15_mixed.json",
                    "rfc6962/navigli2025h2_derived/get-entries_start0_end31.json",
                    "rfc6962/pilot2013/get-entries_first4_x509.json")) {
                Buffer body = Buffer.buffer(Files.readAllBytes(CtData.file(file)));
                entries.addAll(EntriesParser.parse(body, entries.size(), file));
            }
        } catch (TestAbortedException absent) {
            System.out.println("decoder fuzz: " + absent.getMessage() + "; fuzzing the simulator's entries only");
        }
        return entries;
    }
}
