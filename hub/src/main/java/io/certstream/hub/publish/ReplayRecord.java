package io.certstream.hub.publish;

import io.certstream.hub.wire.Cursor;
import io.certstream.hub.wire.StreamType;
import io.certstream.model.UpdateType;
import io.vertx.core.buffer.Buffer;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInput;
import java.io.DataInputStream;
import java.io.DataOutput;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.CRC32C;

/**
 * One {@link Published} as a replay segment stores it: {@code [int length][int crc32c][payload]}, the payload being
 * the cursor, the dedup verdict, the filter facts and the three messages. The checksum lets a start after a crash
 * find where a segment's tail was cut mid-write. Not thread-safe: one per writer or reader.
 */
final class ReplayRecord {
    static final int HEADER = 8;
    /** Larger than any message the hub makes (a full message with a long chain is tens of KB). */
    static final int MAX_PAYLOAD = 16 << 20;
    private final Scratch scratch = new Scratch();
    private final DataOutputStream data = new DataOutputStream(scratch);
    private final CRC32C crc = new CRC32C();

    /** Writes {@code p} with its header; returns the bytes written. */
    int write(Published p, OutputStream out) throws IOException {
        scratch.reset();
        scratch.write(new byte[HEADER]);
        writeHead(p, data);
        bytes(p.full());
        bytes(p.lite());
        bytes(p.domainsOnly());
        byte[] b = scratch.array();
        int length = scratch.size() - HEADER;
        crc.reset();
        crc.update(b, HEADER, length);
        putInt(b, 0, length);
        putInt(b, 4, (int) crc.getValue());
        out.write(b, 0, scratch.size());
        return scratch.size();
    }

    /**
     * Reads the next record's header: its payload length, or -1 at a clean end of file.
     *
     * @throws IOException a header cut short or a length no record has (a damaged segment)
     */
    static int[] header(InputStream in) throws IOException {
        byte[] h = new byte[HEADER];
        int n = in.readNBytes(h, 0, HEADER);
        if (n == 0) {
            return null;
        }
        if (n < HEADER) {
            throw new IOException("record header cut short");
        }
        int length = getInt(h, 0);
        if (length <= 0 || length > MAX_PAYLOAD) {
            throw new IOException("impossible record length " + length);
        }
        return new int[] {length, getInt(h, 4)};
    }

    /** The payload after {@code header}, checked against its checksum. */
    byte[] payload(InputStream in, int[] header) throws IOException {
        byte[] payload = in.readNBytes(header[0]);
        if (payload.length < header[0]) {
            throw new IOException("record cut short (" + payload.length + " of " + header[0] + " bytes)");
        }
        crc.reset();
        crc.update(payload, 0, payload.length);
        if ((int) crc.getValue() != header[1]) {
            throw new IOException("record checksum mismatch");
        }
        return payload;
    }

    /** The cursor a payload starts with, without decoding the rest. */
    static Cursor cursor(byte[] payload) throws IOException {
        return Cursor.parse(new DataInputStream(new ByteArrayInputStream(payload)).readUTF());
    }

    /**
     * The message a payload holds. With {@code only} set, the other two streams' bytes are left empty: a resuming
     * client reads one stream, and a page from disk then costs the heap only that stream's bytes.
     */
    static Published decode(byte[] payload, StreamType only) throws IOException {
        DataInputStream in = new DataInputStream(new ByteArrayInputStream(payload));
        Head head = readHead(in, payload.length);
        Buffer full = bytes(in, only == null || only == StreamType.FULL);
        Buffer lite = bytes(in, only == null || only == StreamType.LITE);
        Buffer domainsOnly = bytes(in, only == null || only == StreamType.DOMAINS_ONLY);
        return head.with(full, lite, domainsOnly);
    }

    /** What a message holds besides its three texts: cursor, dedup verdict and the facts the filters test. */
    record Head(String cursor, boolean duplicate, Published.Facts facts) {
        Published with(Buffer full, Buffer lite, Buffer domainsOnly) {
            return new Published(Cursor.parse(cursor), cursor, duplicate, facts, full, lite, domainsOnly);
        }
    }

    /** Writes {@link Head} of {@code p}; the one encoding of it, for segments and for {@link ReplayFile}. */
    static void writeHead(Published p, DataOutput out) throws IOException {
        out.writeUTF(p.cursorText());
        out.writeBoolean(p.duplicate());
        out.writeByte(p.facts().type().ordinal());
        out.writeUTF(p.facts().logName());
        out.writeUTF(p.facts().logUrl());
        out.writeInt(p.facts().domains().size());
        for (String d : p.facts().domains()) {
            out.writeUTF(d);
        }
    }

    /** Reads what {@link #writeHead} wrote; more than {@code maxDomains} domains means damaged bytes. */
    static Head readHead(DataInput in, int maxDomains) throws IOException {
        String cursor = in.readUTF();
        boolean duplicate = in.readBoolean();
        UpdateType type = UpdateType.values()[in.readByte()];
        String name = in.readUTF();
        String url = in.readUTF();
        int domainCount = in.readInt();
        if (domainCount < 0 || domainCount > maxDomains) {
            throw new IOException("impossible domain count " + domainCount);
        }
        List<String> domains = new ArrayList<>(domainCount);
        for (int d = 0; d < domainCount; d++) {
            domains.add(in.readUTF());
        }
        return new Head(cursor, duplicate, new Published.Facts(List.copyOf(domains), type, name, url));
    }

    private void bytes(Buffer b) throws IOException {
        data.writeInt(b.length());
        b.getBytes(scratch.grow(b.length()), scratch.size());
        scratch.advance(b.length());
    }

    private static Buffer bytes(DataInputStream in, boolean keep) throws IOException {
        int length = in.readInt();
        if (length < 0 || length > in.available()) {
            throw new IOException("impossible message length " + length);
        }
        if (!keep) {
            in.skipNBytes(length);
            return Buffer.buffer();
        }
        byte[] b = new byte[length];
        in.readFully(b);
        return Buffer.buffer(b);
    }

    private static void putInt(byte[] b, int at, int v) {
        b[at] = (byte) (v >>> 24);
        b[at + 1] = (byte) (v >>> 16);
        b[at + 2] = (byte) (v >>> 8);
        b[at + 3] = (byte) v;
    }

    private static int getInt(byte[] b, int at) {
        return ((b[at] & 0xff) << 24) | ((b[at + 1] & 0xff) << 16) | ((b[at + 2] & 0xff) << 8) | (b[at + 3] & 0xff);
    }

    /** A reusable byte array stream that lets the record be written into it in place. */
    private static final class Scratch extends ByteArrayOutputStream {
        Scratch() {
            super(32 << 10);
        }

        byte[] array() {
            return buf;
        }

        /** Room for {@code n} more bytes at {@link #size()}; returns the array. */
        byte[] grow(int n) {
            if (count + n > buf.length) {
                buf = java.util.Arrays.copyOf(buf, Math.max(buf.length * 2, count + n));
            }
            return buf;
        }

        void advance(int n) {
            count += n;
        }
    }
}
