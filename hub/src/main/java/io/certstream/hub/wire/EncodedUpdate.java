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
}
