package io.certstream.hub.web;

import io.certstream.hub.publish.Published;
import io.certstream.hub.publish.ReplayBuffer;
import io.certstream.hub.wire.Cursor;
import io.certstream.hub.wire.StreamType;
import io.certstream.model.UpdateType;
import io.vertx.core.Context;
import io.vertx.core.MultiMap;
import io.vertx.core.Vertx;
import io.vertx.core.WorkerExecutor;
import io.vertx.core.buffer.Buffer;
import org.junit.jupiter.api.Test;

import java.lang.reflect.Method;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * The hand-over from a replay to the live stream when messages arrived slightly out of cursor order (a cluster
 * node's late batch): the live copies of what the replay sent are skipped, a new late arrival is delivered.
 */
class ReplayHandoverTest {
    private static final long T0 = System.currentTimeMillis();

    private static Published message(long millisOffset, long index) {
        Cursor c = new Cursor(Cursor.stamp(T0 + millisOffset, 0), 1, index);
        Buffer bytes = Buffer.buffer("{\"index\":" + index + "}");
        return new Published(c, c.toString(), false, new Published.Facts(List.of("a.example"), UpdateType.X509LogEntry,
                "log", "https://log.example"), bytes, bytes, bytes);
    }

    /** Records what it is sent, replayed or live, by the message's index. */
    private static final class Recording extends Subscriber {
        final List<String> got = new CopyOnWriteArrayList<>();

        Recording() {
            super(StreamType.LITE, StreamQuery.parse(StreamType.LITE, MultiMap.caseInsensitiveMultiMap(), null).filter());
        }

        @Override
        Buffer frame(Published p, SharedFrames frames) {
            return p.lite();
        }

        @Override
        boolean deliver(Buffer bytes, SharedFrames frames, long now) {
            got.add("live " + bytes);
            return true;
        }

        @Override
        boolean heartbeat(Buffer json, long now) {
            return true;
        }

        @Override
        void write(Buffer bytes) {
            got.add("replay " + bytes);
        }

        @Override
        void writeNotice(Buffer json) {
            got.add("notice");
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
    void liveCopiesOfReplayedMessagesAreSkippedAndANewLateArrivalIsDelivered() throws Exception {
        ReplayBuffer buffer = new ReplayBuffer(600_000, 1 << 20);
        Published a = message(100, 1);
        Published b = message(90, 2);
        append(buffer, message(50, 0));
        append(buffer, a);
        // Arrived after a, stamped before it.
        append(buffer, b);
        Vertx vertx = Vertx.vertx();
        try {
            Context context = vertx.getOrCreateContext();
            WorkerExecutor readers = vertx.createSharedWorkerExecutor("test-replay-read", 1);
            Recording subscriber = new Recording();
            CompletableFuture<Void> done = new CompletableFuture<>();
            context.runOnContext(v -> {
                Replay.start(subscriber, buffer, context, readers, message(50, 0).cursor());
                // After the replay caught up (its pages are queued on this context), the bus delivers the live copies
                // of a and b that were still on their way, then a new message that is a late arrival again.
                context.runOnContext(w -> context.runOnContext(x -> {
                    subscriber.live(a, a.lite(), null, 0);
                    subscriber.live(b, b.lite(), null, 0);
                    Published c = message(80, 3);
                    subscriber.live(c, c.lite(), null, 0);
                    done.complete(null);
                }));
            });
            done.get(10, TimeUnit.SECONDS);
            assertEquals(List.of("replay {\"index\":1}", "replay {\"index\":2}", "live {\"index\":3}"), subscriber.got);
        } finally {
            vertx.close().await();
        }
    }

    /** {@code ReplayBuffer.append} is the publisher's (package-private there). */
    private static void append(ReplayBuffer buffer, Published p) throws Exception {
        Method append = ReplayBuffer.class.getDeclaredMethod("append", Published.class, long.class);
        append.setAccessible(true);
        append.invoke(buffer, p, T0 + 200);
    }
}
