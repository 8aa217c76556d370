package io.certstream.hub.wire;

import io.certstream.model.CertificateUpdate;
import io.vertx.core.buffer.Buffer;

/**
 * A decoded certificate with its three wire messages, each serialized exactly once
 * and then shared by every websocket, bridge and plugin that receives it.
 */
public record EncodedUpdate(CertificateUpdate update, Buffer full, Buffer lite, Buffer domainsOnly) {

    public static EncodedUpdate of(CertificateUpdate update) {
        Buffer[] liteAndFull = WireFormat.liteAndFull(update);
        return new EncodedUpdate(update, liteAndFull[1], liteAndFull[0], WireFormat.domainsOnly(update));
    }

    /** The same messages with {@code "cursor"} in each (see {@link Cursor}). */
    public EncodedUpdate withCursor(String cursor) {
        return new EncodedUpdate(update, WireFormat.withCursor(full, cursor), WireFormat.withCursor(lite, cursor),
                WireFormat.withCursor(domainsOnly, cursor));
    }
}
