package io.certstream.hub.decode;

/**
 * IP addresses spelled as Go's {@code net.IP.String()} (what certstream-server-go prints):
 * dotted IPv4, IPv4-mapped IPv6 shown as IPv4, other IPv6 in RFC 5952 form (lower-case, the first
 * longest run of two or more zero groups shortened to "::").
 */
final class IpAddresses {
    private IpAddresses() {
    }

    /** @return the address, or {@code null} when the length is neither 4 nor 16 */
    static String format(byte[] ip) {
        if (ip.length == 4) {
            return v4(ip, 0);
        }
        if (ip.length != 16) {
            return null;
        }
        if (isV4Mapped(ip)) {
            return v4(ip, 12);
        }
        int[] groups = new int[8];
        for (int i = 0; i < 8; i++) {
            groups[i] = ((ip[2 * i] & 0xFF) << 8) | (ip[2 * i + 1] & 0xFF);
        }
        int bestStart = -1;
        int bestLen = 1;
        for (int i = 0; i < 8; ) {
            if (groups[i] != 0) {
                i++;
                continue;
            }
            int j = i;
            while (j < 8 && groups[j] == 0) {
                j++;
            }
            if (j - i > bestLen) {
                bestStart = i;
                bestLen = j - i;
            }
            i = j;
        }
        StringBuilder sb = new StringBuilder(39);
        for (int i = 0; i < 8; i++) {
            if (i == bestStart) {
                sb.append("::");
                i += bestLen - 1;
                continue;
            }
            if (sb.length() > 0 && sb.charAt(sb.length() - 1) != ':') {
                sb.append(':');
            }
            sb.append(Integer.toHexString(groups[i]));
        }
        return sb.toString();
    }

    private static boolean isV4Mapped(byte[] ip) {
        for (int i = 0; i < 10; i++) {
            if (ip[i] != 0) {
                return false;
            }
        }
        return ip[10] == (byte) 0xFF && ip[11] == (byte) 0xFF;
    }

    private static String v4(byte[] ip, int off) {
        return (ip[off] & 0xFF) + "." + (ip[off + 1] & 0xFF) + "." + (ip[off + 2] & 0xFF) + "." + (ip[off + 3] & 0xFF);
    }
}
