package io.certstream.hub.config;

import java.net.InetAddress;
import java.net.UnknownHostException;

/**
 * An address range such as {@code 10.0.0.0/8}, {@code 2001:db8::/32} or a single address ({@code 127.0.0.1}).
 * Only IP literals are accepted, so parsing never looks a name up. An IPv4 range also matches the IPv4-mapped IPv6
 * form of its addresses ({@code ::ffff:10.1.2.3}), as a dual-stack socket reports them.
 */
public record Cidr(byte[] network, int prefix, String text) {
    private static final java.util.regex.Pattern V4 = java.util.regex.Pattern.compile("\\d{1,3}(\\.\\d{1,3}){3}");
    private static final java.util.regex.Pattern V6 = java.util.regex.Pattern.compile("[0-9A-Fa-f:.%a-zA-Z0-9]+");

    public static Cidr parse(String text) {
        String trimmed = text.trim();
        int slash = trimmed.indexOf('/');
        String host = slash < 0 ? trimmed : trimmed.substring(0, slash);
        byte[] address = literal(host);
        if (address == null) {
            throw new IllegalArgumentException("has \"" + text + "\", which is not an IP address or CIDR range"
                    + " (e.g. 10.0.0.0/8, 192.168.1.7, 2001:db8::/32; host names are not accepted)");
        }
        int bits = address.length * 8;
        int prefix = bits;
        if (slash >= 0) {
            try {
                prefix = Integer.parseInt(trimmed.substring(slash + 1));
            } catch (NumberFormatException e) {
                prefix = -1;
            }
            if (prefix < 0 || prefix > bits) {
                throw new IllegalArgumentException("has \"" + text + "\", whose prefix length must be 0.." + bits);
            }
        }
        return new Cidr(address, prefix, trimmed);
    }

    /** The bytes of an IP literal, or null when {@code host} is not one (never a DNS lookup). */
    public static byte[] literal(String host) {
        if (host == null || host.isEmpty()) {
            return null;
        }
        String h = host.startsWith("[") && host.endsWith("]") ? host.substring(1, host.length() - 1) : host;
        boolean v4 = V4.matcher(h).matches();
        boolean v6 = !v4 && h.indexOf(':') >= 0 && V6.matcher(h).matches();
        if (!v4 && !v6) {
            return null;
        }
        if (v4) {
            for (String part : h.split("\\.")) {
                if (Integer.parseInt(part) > 255) {
                    return null;
                }
            }
        }
        try {
            // A literal (checked above) is parsed, never resolved.
            return InetAddress.getByName(h).getAddress();
        } catch (UnknownHostException | SecurityException e) {
            return null;
        }
    }

    public boolean contains(byte[] address) {
        if (address == null) {
            return false;
        }
        if (address.length == 16 && network.length == 4 && isMappedV4(address)) {
            byte[] v4 = new byte[4];
            System.arraycopy(address, 12, v4, 0, 4);
            address = v4;
        }
        if (address.length != network.length) {
            return false;
        }
        int full = prefix / 8;
        for (int i = 0; i < full; i++) {
            if (address[i] != network[i]) {
                return false;
            }
        }
        int rest = prefix % 8;
        if (rest == 0) {
            return true;
        }
        int mask = (0xff << (8 - rest)) & 0xff;
        return (address[full] & mask) == (network[full] & mask);
    }

    private static boolean isMappedV4(byte[] a) {
        for (int i = 0; i < 10; i++) {
            if (a[i] != 0) {
                return false;
            }
        }
        return a[10] == (byte) 0xff && a[11] == (byte) 0xff;
    }

    @Override
    public String toString() {
        return text;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Cidr c && c.text.equals(text);
    }

    @Override
    public int hashCode() {
        return text.hashCode();
    }
}
