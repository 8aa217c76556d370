package io.certstream.hub.ct.rfc6962;

import io.certstream.hub.decode.RawEntry;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;

/**
 * The get-entries body in the shape logs send it, read straight from its bytes:
 * {@code {"entries":[{"leaf_input":"<base64>","extra_data":"<base64>"},...]}}, JSON whitespace anywhere between
 * tokens, the two fields in either order, each value base64 without JSON escapes, decoded from the body's bytes.
 * The JSON parser made a String of every value first (megabytes a batch), a tenth of the hub's CPU per certificate
 * in catch-up. Anything else (another field, an escape such as {@code \/}, a value that is not base64, a broken body)
 * gives null: {@link EntriesParser} then reads the body with the JSON parser, whose answers for such bodies (broken
 * entries, bad_response) stay as they are. On what it accepts, both give the same entries.
 */
final class PlainBody {
    private static final byte[] ENTRIES = "\"entries\"".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] LEAF_INPUT = "\"leaf_input\"".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] EXTRA_DATA = "\"extra_data\"".getBytes(StandardCharsets.US_ASCII);
    private static final Base64.Decoder BASE64 = Base64.getDecoder();

    private final byte[] b;
    private final int end;
    private int at;

    private PlainBody(byte[] b, int from, int to) {
        this.b = b;
        this.at = from;
        this.end = to;
    }

    /** The entries of {@code b[from, to)} numbered from {@code start}, or null when the body is not in the plain shape. */
    static List<RawEntry> entries(byte[] b, int from, int to, long start) {
        return new PlainBody(b, from, to).entries(start);
    }

    private List<RawEntry> entries(long start) {
        if (!take('{') || !key(ENTRIES) || !take('[')) {
            return null;
        }
        List<RawEntry> out = new ArrayList<>();
        if (!take(']')) {
            do {
                RawEntry e = entry(start + out.size());
                if (e == null) {
                    return null;
                }
                out.add(e);
            } while (take(','));
            if (!take(']')) {
                return null;
            }
        }
        if (!take('}')) {
            return null;
        }
        skipSpace();
        return at == end ? out : null;
    }

    private RawEntry entry(long index) {
        if (!take('{')) {
            return null;
        }
        byte[] leaf = null;
        byte[] extra = null;
        for (int field = 0; field < 2; field++) {
            if (field == 1 && !take(',')) {
                return null;
            }
            if (leaf == null && key(LEAF_INPUT)) {
                leaf = base64();
                if (leaf == null) {
                    return null;
                }
            } else if (extra == null && key(EXTRA_DATA)) {
                extra = base64();
                if (extra == null) {
                    return null;
                }
            } else {
                return null;
            }
        }
        return take('}') ? new RawEntry(index, leaf, extra) : null;
    }

    /** A string value decoded as base64; null when it holds an escape or is not base64. */
    private byte[] base64() {
        if (!take('"')) {
            return null;
        }
        byte[] bytes = b;
        int from = at;
        int close = from;
        int limit = end;
        byte c = 0;
        while (close < limit && (c = bytes[close]) != '"' && c != '\\') {
            close++;
        }
        if (close == limit || c == '\\') {
            return null;
        }
        int length = close - from;
        at = close + 1;
        try {
            ByteBuffer decoded = BASE64.decode(ByteBuffer.wrap(bytes, from, length));
            byte[] out = decoded.array();
            return decoded.arrayOffset() == 0 && decoded.remaining() == out.length
                    ? out : Arrays.copyOfRange(out, decoded.arrayOffset(), decoded.arrayOffset() + decoded.remaining());
        } catch (IllegalArgumentException notBase64) {
            return null;
        }
    }

    /** {@code "name"} then {@code :}; leaves the position where it was when the next key is another. */
    private boolean key(byte[] quotedName) {
        skipSpace();
        if (end - at < quotedName.length || !Arrays.equals(b, at, at + quotedName.length, quotedName, 0, quotedName.length)) {
            return false;
        }
        int before = at;
        at += quotedName.length;
        if (take(':')) {
            return true;
        }
        at = before;
        return false;
    }

    private boolean take(char c) {
        skipSpace();
        if (at < end && b[at] == c) {
            at++;
            return true;
        }
        return false;
    }

    private void skipSpace() {
        while (at < end && (b[at] == ' ' || b[at] == '\n' || b[at] == '\r' || b[at] == '\t')) {
            at++;
        }
    }
}
