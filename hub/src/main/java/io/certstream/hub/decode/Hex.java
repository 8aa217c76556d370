package io.certstream.hub.decode;

import java.math.BigInteger;

/** The hex spellings CertStream clients expect. */
final class Hex {
    private static final char[] UPPER = "0123456789ABCDEF".toCharArray();
    private static final char[] LOWER = "0123456789abcdef".toCharArray();

    private Hex() {
    }

    /** {@code 27:58:3D:...}: fingerprints. */
    static String colonUpper(byte[] bytes) {
        return colon(bytes, UPPER);
    }

    /** {@code 14:2e:...}: key identifiers, lower-case as certstream-server-go prints them (hex.EncodeToString). */
    static String colonLower(byte[] bytes) {
        return colon(bytes, LOWER);
    }

    /**
     * Upper-case hex padded to an even number of digits, as certstream-server-go's
     * {@code formatSerialNumber} does ({@code 0498BD...}). A negative serial (illegal, but logged
     * in the wild) gets a leading "-" before the padded magnitude; Go would pad the string with the
     * sign included ("0-1A"), which no client can use, so we deliberately differ there.
     */
    static String serial(BigInteger serial) {
        // The magnitude's bytes, two digits each, without leading zero bytes: the same digits as toString(16) padded
        // to an even count, without BigInteger's radix conversion (divisions), a measurable share of decoding.
        byte[] magnitude = serial.abs().toByteArray();
        int from = 0;
        while (from < magnitude.length - 1 && magnitude[from] == 0) {
            from++;
        }
        boolean negative = serial.signum() < 0;
        char[] out = new char[(negative ? 1 : 0) + 2 * (magnitude.length - from)];
        int o = 0;
        if (negative) {
            out[o++] = '-';
        }
        for (int i = from; i < magnitude.length; i++) {
            out[o++] = UPPER[(magnitude[i] >> 4) & 0xF];
            out[o++] = UPPER[magnitude[i] & 0xF];
        }
        return new String(out);
    }

    private static String colon(byte[] bytes, char[] alphabet) {
        if (bytes.length == 0) {
            return "";
        }
        char[] out = new char[bytes.length * 3 - 1];
        int o = 0;
        for (int i = 0; i < bytes.length; i++) {
            if (i > 0) {
                out[o++] = ':';
            }
            out[o++] = alphabet[(bytes[i] >> 4) & 0xF];
            out[o++] = alphabet[bytes[i] & 0xF];
        }
        return new String(out);
    }
}
