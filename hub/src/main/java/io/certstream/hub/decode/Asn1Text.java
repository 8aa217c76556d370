package io.certstream.hub.decode;

import java.io.IOException;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

import org.bouncycastle.asn1.ASN1BMPString;
import org.bouncycastle.asn1.ASN1Encodable;
import org.bouncycastle.asn1.ASN1Encoding;
import org.bouncycastle.asn1.ASN1Primitive;
import org.bouncycastle.asn1.ASN1String;
import org.bouncycastle.asn1.ASN1UTF8String;
import org.bouncycastle.asn1.ASN1UniversalString;

/**
 * Turns ASN.1 string values into Java strings without ever failing: real CT certificates carry
 * invalid UTF-8, NUL bytes and UniversalStrings, and one odd attribute must not drop the whole
 * certificate. Invalid UTF-8 becomes U+FFFD, which is what certstream-server-go's JSON encoder
 * emits for the same bytes.
 */
final class Asn1Text {
    private Asn1Text() {
    }

    static String of(ASN1Encodable value) {
        ASN1Primitive p = value.toASN1Primitive();
        try {
            if (p instanceof ASN1UTF8String) {
                // BouncyCastle's getString() throws on invalid UTF-8; decode leniently instead.
                return new String(contents(p), StandardCharsets.UTF_8);
            }
            if (p instanceof ASN1UniversalString) {
                // BouncyCastle renders UniversalString as "#hex"; it is UTF-32BE text.
                return new String(contents(p), Charset.forName("UTF-32BE"));
            }
            if (p instanceof ASN1BMPString bmp) {
                return withoutLoneSurrogates(bmp.getString());
            }
            if (p instanceof ASN1String text) {
                return text.getString();
            }
            // Not a string type (rare: e.g. an INTEGER attribute): show the DER the way OpenSSL does.
            return "#" + Hex.colonUpper(p.getEncoded(ASN1Encoding.DER)).replace(":", "");
        } catch (IOException | RuntimeException e) {
            return "#" + safeHex(p);
        }
    }

    /**
     * A BMPString can carry half of a surrogate pair; the JSON generator refuses to write one, which
     * would lose the whole message, so it becomes U+FFFD as invalid UTF-8 does.
     */
    static String withoutLoneSurrogates(String s) {
        StringBuilder out = null;
        for (int i = 0; i < s.length(); i++) {
            char ch = s.charAt(i);
            boolean paired = Character.isHighSurrogate(ch) && i + 1 < s.length() && Character.isLowSurrogate(s.charAt(i + 1));
            if (paired) {
                if (out != null) {
                    out.append(ch).append(s.charAt(i + 1));
                }
                i++;
                continue;
            }
            if (Character.isSurrogate(ch)) {
                if (out == null) {
                    out = new StringBuilder(s.length()).append(s, 0, i);
                }
                out.append('\uFFFD');
            } else if (out != null) {
                out.append(ch);
            }
        }
        return out == null ? s : out.toString();
    }

    /** An IA5String's bytes read as UTF-8, as Go's x509 does for dNSName, rfc822Name and URI. */
    static String ia5AsUtf8(ASN1Encodable value) {
        ASN1Primitive p = value.toASN1Primitive();
        try {
            return new String(contents(p), StandardCharsets.UTF_8);
        } catch (IOException | RuntimeException e) {
            return of(value);
        }
    }

    /** The content octets of a primitive, i.e. its DER encoding without tag and length. */
    static byte[] contents(ASN1Primitive p) throws IOException {
        byte[] der = p.getEncoded(ASN1Encoding.DER);
        int i = 1;
        if ((der[0] & 0x1F) == 0x1F) {
            while ((der[i++] & 0x80) != 0) {
                // high tag number continues
            }
        }
        int first = der[i++] & 0xFF;
        if (first > 0x80) {
            i += first & 0x7F;
        }
        return Arrays.copyOfRange(der, i, der.length);
    }

    private static String safeHex(ASN1Primitive p) {
        try {
            return Hex.colonUpper(p.getEncoded()).replace(":", "");
        } catch (IOException | RuntimeException e) {
            return "";
        }
    }
}
