package io.certstream.hub.decode;

import java.math.BigInteger;
import java.util.Locale;

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
        String digits = serial.abs().toString(16).toUpperCase(Locale.ROOT);
        if (digits.length() % 2 == 1) {
            digits = "0" + digits;
        }
        return serial.signum() < 0 ? "-" + digits : digits;
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
