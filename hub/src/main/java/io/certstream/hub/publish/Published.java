package io.certstream.hub.publish;

import io.certstream.hub.wire.Cursor;
import io.certstream.hub.wire.EncodedUpdate;
import io.certstream.hub.wire.StreamType;
import io.certstream.model.CertificateUpdate;
import io.certstream.model.UpdateType;
import io.vertx.core.buffer.Buffer;

import java.util.List;

/**
 * One certificate as the web front receives it: its three messages with the cursor already in their bytes, the
 * cursor itself, whether the same certificate was already published within the dedup window (from another log,
 * or again by the same one), and the few facts the stream filters test. Holds no decoded certificate, so the replay
 * buffer keeps only these bytes, and can save them and read them back across a restart. Immutable; shared by
 * reference by every web verticle and the replay buffer.
 */
public record Published(Cursor cursor, String cursorText, boolean duplicate, Facts facts,
                        Buffer full, Buffer lite, Buffer domainsOnly) {

    /** What the filters look at: the leaf's {@code all_domains}, the entry type, the log's name and URL. */
    public record Facts(List<String> domains, UpdateType type, String logName, String logUrl) {
        static Facts of(CertificateUpdate u) {
            return new Facts(u.leaf().allDomains(), u.updateType(), u.source().name(), u.source().url());
        }
    }

    static Published of(Cursor cursor, String cursorText, boolean duplicate, EncodedUpdate stamped) {
        return new Published(cursor, cursorText, duplicate, Facts.of(stamped.update()),
                stamped.full(), stamped.lite(), stamped.domainsOnly());
    }

    /** The same message with another dedup verdict (a cluster node judges it when the message leaves its order stage). */
    Published withDuplicate(boolean verdict) {
        return verdict == duplicate ? this : new Published(cursor, cursorText, verdict, facts, full, lite, domainsOnly);
    }

    /** The message of {@code stream}, cursor included. */
    public Buffer message(StreamType stream) {
        return switch (stream) {
            case LITE -> lite;
            case FULL -> full;
            case DOMAINS_ONLY -> domainsOnly;
        };
    }

    /** Bytes held for replay, to bound the buffer: the three messages, the domain names and some overhead. */
    long retainedBytes() {
        long names = 0;
        for (String d : facts.domains()) {
            names += 56 + d.length();
        }
        return full.length() + lite.length() + domainsOnly.length() + names + 400L;
    }
}
