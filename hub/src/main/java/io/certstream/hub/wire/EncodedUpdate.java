package io.certstream.hub.wire;

import io.certstream.model.CertificateUpdate;
import io.vertx.core.buffer.Buffer;

/**
 * A decoded certificate with its three wire messages, each serialized exactly once and then shared by every
 * websocket, bridge and plugin that receives it.
 * <p>
 * Made by the decode pool ({@link #of(CertificateUpdate, int)}), the messages already hold their {@code "cursor"}
 * except its publication stamp, 16 "0" digits at a known place (the log and the index are known when decoding); the
 * publisher writes the stamp over them once ({@link #stamp}), before it hands the messages to anyone. Publishing
 * used to copy each message (about 10 KB per certificate) to insert the cursor.
 *
 * @param log the cursor's log part ({@link Cursor#logId}); 0 for messages that already carry their cursor
 */
public record EncodedUpdate(CertificateUpdate update, Buffer full, Buffer lite, Buffer domainsOnly, int log) {

    /** Messages that already carry their cursor (from another cluster node, tests): not to be stamped. */
    public EncodedUpdate(CertificateUpdate update, Buffer full, Buffer lite, Buffer domainsOnly) {
        this(update, full, lite, domainsOnly, 0);
    }

    /** The three messages of {@code update}, of the log whose {@link Cursor#logId} is {@code log}, not stamped yet. */
    public static EncodedUpdate of(CertificateUpdate update, int log) {
        String cursor = Cursor.unstamped(log, update.certIndex());
        Buffer[] liteAndFull = WireFormat.liteAndFull(update, cursor);
        return new EncodedUpdate(update, liteAndFull[1], liteAndFull[0], WireFormat.domainsOnly(update, cursor), log);
    }

    /** As {@link #of(CertificateUpdate, int)}, working out the log's id from its URL (a SHA-256: tests, tools). */
    public static EncodedUpdate of(CertificateUpdate update) {
        return of(update, Cursor.logId(update.source().url()));
    }

    /**
     * Writes {@code stamp} into the cursor of the three messages, in place, and returns the cursor. Only the
     * publisher calls it, once per update, while the messages are still its own: from then on they are shared and
     * never written again. Throws IllegalStateException for messages stamped already.
     */
    public Cursor stamp(long stamp) {
        byte[] digits = Cursor.stampDigits(stamp);
        // The three are made and stamped together: checking one for its placeholder is enough.
        WireFormat.checkUnstamped(domainsOnly, WireFormat.DNS_STAMP_AT);
        domainsOnly.setBytes(WireFormat.DNS_STAMP_AT, digits);
        full.setBytes(WireFormat.UPDATE_STAMP_AT, digits);
        lite.setBytes(WireFormat.UPDATE_STAMP_AT, digits);
        return new Cursor(stamp, log, update.certIndex());
    }
}
