package io.certstream.hub.decode;

import java.util.Arrays;

/**
 * Reads the TLS presentation language encoding of RFC 6962 structures (big-endian integers,
 * length-prefixed vectors), checking every length against what is left so that a truncated or
 * corrupt entry ends in a {@link MalformedEntryException} instead of an index error.
 * Public for the static-ct-api tile parser, which reads the same structures.
 */
public final class TlsReader {
    private final byte[] buf;
    private final int end;
    private final String where;
    private int pos;

    /** @param where names the bytes in error messages, e.g. "entry 42 leaf_input" */
    public TlsReader(byte[] buf, String where) {
        this(buf, 0, buf.length, where);
    }

    private TlsReader(byte[] buf, int start, int end, String where) {
        this.buf = buf;
        this.pos = start;
        this.end = end;
        this.where = where;
    }

    public int u8(String field) {
        require(1, field);
        return buf[pos++] & 0xFF;
    }

    public int u16(String field) {
        require(2, field);
        int v = ((buf[pos] & 0xFF) << 8) | (buf[pos + 1] & 0xFF);
        pos += 2;
        return v;
    }

    public int u24(String field) {
        require(3, field);
        int v = ((buf[pos] & 0xFF) << 16) | ((buf[pos + 1] & 0xFF) << 8) | (buf[pos + 2] & 0xFF);
        pos += 3;
        return v;
    }

    public long u64(String field) {
        require(8, field);
        long v = 0;
        for (int i = 0; i < 8; i++) {
            v = (v << 8) | (buf[pos + i] & 0xFF);
        }
        pos += 8;
        return v;
    }

    public byte[] bytes(int n, String field) {
        require(n, field);
        byte[] out = Arrays.copyOfRange(buf, pos, pos + n);
        pos += n;
        return out;
    }

    public void skip(int n, String field) {
        require(n, field);
        pos += n;
    }

    /** An opaque {@code <1..2^24-1>} vector, e.g. an ASN.1Cert. */
    public byte[] vector24(String field) {
        int length = u24(field + " length");
        if (length == 0) {
            throw malformed(field + " is empty");
        }
        return bytes(length, field);
    }

    /** A sub-reader over a {@code <0..2^24-1>} vector; this reader moves past it. */
    public TlsReader nested24(String field) {
        int length = u24(field + " length");
        require(length, field);
        TlsReader inner = new TlsReader(buf, pos, pos + length, where + " " + field);
        pos += length;
        return inner;
    }

    /** The offset of the next byte to read, for slicing out a structure just read (see {@link #copy}). */
    public int position() {
        return pos;
    }

    /** A copy of the bytes between two offsets already read. */
    public byte[] copy(int from, int to) {
        if (from < 0 || to > pos || from > to) {
            throw new IllegalArgumentException("cannot copy bytes " + from + ".." + to + " (read up to " + pos + ")");
        }
        return Arrays.copyOfRange(buf, from, to);
    }

    public boolean hasRemaining() {
        return pos < end;
    }

    public void expectEnd(String structure) {
        if (pos != end) {
            throw malformed((end - pos) + " trailing bytes after " + structure + " at offset " + pos);
        }
    }

    public MalformedEntryException malformed(String what) {
        return new MalformedEntryException(where + ": " + what);
    }

    private void require(int n, String field) {
        if (n < 0 || end - pos < n) {
            throw malformed("truncated reading " + field + " (needs " + n + " bytes at offset " + pos
                    + ", " + (end - pos) + " left)");
        }
    }
}
