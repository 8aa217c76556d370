package io.certstream.hub.web;

import io.netty.handler.codec.http.websocketx.CorruptedWebSocketFrameException;
import io.vertx.core.Handler;
import io.vertx.core.http.ServerWebSocket;
import io.vertx.core.http.WebSocketFrame;

import java.util.logging.Logger;

/**
 * What a client sends is ignored (CertStream clients only listen), but never without bound: Vert.x caps each frame
 * ({@code maxWebSocketFrameSize}, close 1009), and this caps a message made of many fragments, which Vert.x only
 * checks when it aggregates messages, which the hub never asks it to.
 */
final class InboundLimit implements Handler<WebSocketFrame> {
    private static final Logger LOG = Logger.getLogger(InboundLimit.class.getName());
    static final short CLOSE_TOO_BIG = 1009;

    private final ServerWebSocket socket;
    private final int maxMessageBytes;
    private long messageBytes;
    private boolean closing;

    InboundLimit(ServerWebSocket socket, int maxMessageBytes) {
        this.socket = socket;
        this.maxMessageBytes = maxMessageBytes;
    }

    /**
     * A frame Netty could not accept (too big, unmasked, reserved bits or opcode): close with the status it names
     * (1009 message too big, 1002 protocol error) and its reason, so the client learns what it did wrong.
     */
    static void onError(ServerWebSocket socket, Throwable error) {
        if (error instanceof CorruptedWebSocketFrameException corrupt && !socket.isClosed()) {
            socket.close((short) corrupt.closeStatus().code(), corrupt.getMessage());
        } else {
            LOG.fine(() -> "websocket error from " + socket.remoteAddress() + ": " + error.getMessage());
        }
    }

    @Override
    public void handle(WebSocketFrame frame) {
        if (closing || !(frame.isText() || frame.isBinary() || frame.isContinuation())) {
            return;
        }
        messageBytes = frame.isContinuation() ? messageBytes + frame.binaryData().length() : frame.binaryData().length();
        if (messageBytes > maxMessageBytes) {
            closing = true;
            socket.close(CLOSE_TOO_BIG, "message too big: this endpoint accepts at most " + maxMessageBytes
                    + " bytes per message (and needs none)");
        } else if (frame.isFinal()) {
            messageBytes = 0;
        }
    }
}
