package io.certstream.hub.web;

import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelOutboundHandlerAdapter;
import io.netty.channel.ChannelPipeline;
import io.netty.handler.flush.FlushConsolidationHandler;

import java.util.concurrent.atomic.LongAdder;

/**
 * Flush consolidation for the sockets the hub streams to (its websockets, and the SockJS bridge's websocket
 * transport). Vert.x flushes every frame it writes outside a read of the same connection: one system call per
 * message per client, which is what bounds fan-out (see docs/performance.md). Netty's
 * {@link FlushConsolidationHandler}, at the socket end of the pipeline, turns the flushes of one event-loop turn into
 * one (at the latest after {@value #FLUSH_EVERY} frames), so a burst of messages reaches each client in a few large
 * writes. Written but unflushed frames count in the channel's outbound buffer, so {@code writeQueueFull()} and the
 * drop policies see them exactly as before. Between it and the socket a counter counts the flushes that remain.
 */
public final class SocketFlushes {
    /** Most frames written to one client before a flush even while its event loop stays busy. */
    static final int FLUSH_EVERY = 64;

    private SocketFlushes() {
    }

    /** Adds consolidation (and the counter) to a socket's pipeline, once. */
    public static void consolidate(ChannelPipeline pipeline) {
        if (pipeline.get(FlushConsolidationHandler.class) == null) {
            pipeline.addFirst("certstream-flush", new FlushConsolidationHandler(FLUSH_EVERY, true));
            pipeline.addFirst("certstream-flush-count", FlushCounter.INSTANCE);
        }
    }

    /** Socket flushes since start, after consolidation, of every consolidated socket of this JVM: for tests and profiling. */
    public static long count() {
        return FlushCounter.FLUSHES.sum();
    }

    /** Counts the flushes that reach the socket (each is a write system call when there is something to write). */
    @ChannelHandler.Sharable
    private static final class FlushCounter extends ChannelOutboundHandlerAdapter {
        static final FlushCounter INSTANCE = new FlushCounter();
        static final LongAdder FLUSHES = new LongAdder();

        @Override
        public void flush(ChannelHandlerContext ctx) {
            FLUSHES.increment();
            ctx.flush();
        }
    }
}
