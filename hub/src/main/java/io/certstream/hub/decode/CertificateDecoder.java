package io.certstream.hub.decode;

import java.io.IOException;
import java.math.BigInteger;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.DateTimeException;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

import org.bouncycastle.asn1.ASN1Boolean;
import org.bouncycastle.asn1.ASN1Encodable;
import org.bouncycastle.asn1.ASN1Integer;
import org.bouncycastle.asn1.ASN1ObjectIdentifier;
import org.bouncycastle.asn1.ASN1OctetString;
import org.bouncycastle.asn1.ASN1Primitive;
import org.bouncycastle.asn1.ASN1Sequence;
import org.bouncycastle.asn1.ASN1TaggedObject;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.AlgorithmIdentifier;
import org.bouncycastle.asn1.x509.Time;
import org.bouncycastle.util.Properties;

import io.certstream.model.Certificate;
import io.certstream.model.DistinguishedName;

/**
 * Decodes X.509 DER into the CertStream certificate model.
 * <p>
 * The TBSCertificate is walked by hand instead of through BouncyCastle's {@code TBSCertificate}
 * because that class rejects certificates real logs accepted (duplicate extensions, for one).
 * Anything that still cannot be read ends in a {@link MalformedEntryException}, never another
 * exception type. Thread-safe.
 */
public final class CertificateDecoder {
    /**
     * Chain certificates in use at a time number a few hundred across all logs; 1,024 leave room and bound the heap
     * (each costs a DER and its rendering) to a few MiB of the small heap of config/jvm.options. When full the least
     * recently used is dropped.
     */
    public static final int DEFAULT_CACHE_SIZE = 1024;

    private static final ThreadLocal<MessageDigest> SHA1 = ThreadLocal.withInitial(() -> digest("SHA-1"));
    private static final ThreadLocal<MessageDigest> SHA256 = ThreadLocal.withInitial(() -> digest("SHA-256"));

    private static final String ALLOW_UNSAFE_INTEGER = "org.bouncycastle.asn1.allow_unsafe_integer";

    private final CertificateCache cache;

    public CertificateDecoder() {
        this(DEFAULT_CACHE_SIZE);
    }

    /** @param cacheSize how many chain certificates to keep decoded */
    public CertificateDecoder(int cacheSize) {
        this.cache = new CertificateCache(cacheSize);
    }

    /** Decodes a certificate that is unlikely to repeat (a leaf). */
    public Certificate decode(byte[] der) {
        return decode(der, sha256(der));
    }

    /** Decodes a certificate that repeats across entries (intermediates, roots), through the cache. */
    public Certificate decodeCached(byte[] der) {
        Certificate cached = cache.get(der);
        if (cached != null) {
            return cached;
        }
        Certificate decoded = decode(der);
        cache.put(der, decoded);
        return decoded;
    }

    /** How many certificates the cache holds now (for metrics and tests). */
    public int cachedCount() {
        return cache.size();
    }

    private Certificate decode(byte[] der, byte[] sha256) {
        if (der.length == 0) {
            throw new MalformedEntryException("certificate is empty");
        }
        try {
            return parse(der, sha256);
        } catch (MalformedEntryException strict) {
            // Real logs hold serials with non-minimal INTEGER encodings (e.g. negative_serial.pem),
            // which BouncyCastle rejects unless told otherwise. Retry leniently, only for this thread
            // and only for certificates that failed, so the common path pays nothing.
            boolean alreadySet = Properties.setThreadOverride(ALLOW_UNSAFE_INTEGER, true);
            try {
                return parse(der, sha256);
            } finally {
                if (!alreadySet) {
                    Properties.removeThreadOverride(ALLOW_UNSAFE_INTEGER);
                }
            }
        }
    }

    private Certificate parse(byte[] der, byte[] sha256) {
        try {
            ASN1Sequence cert = ASN1Sequence.getInstance(ASN1Primitive.fromByteArray(der));
            if (cert.size() != 3) {
                throw new MalformedEntryException("certificate has " + cert.size() + " top-level elements, expected 3");
            }
            ASN1Sequence tbs = ASN1Sequence.getInstance(cert.getObjectAt(0));
            String signatureAlgorithm = SignatureAlgorithmNames.of(AlgorithmIdentifier.getInstance(cert.getObjectAt(1)));

            int i = 0;
            if (tbs.getObjectAt(0) instanceof ASN1TaggedObject) {
                i++; // explicit [0] version; v1 certificates omit it
            }
            BigInteger serial = ASN1Integer.getInstance(tbs.getObjectAt(i++)).getValue();
            i++; // TBS signature algorithm; the outer one is what the anchors report
            DistinguishedName issuer = NameFormatter.format(X500Name.getInstance(tbs.getObjectAt(i++)));
            ASN1Sequence validity = ASN1Sequence.getInstance(tbs.getObjectAt(i++));
            long notBefore = epochSeconds(validity.getObjectAt(0));
            long notAfter = epochSeconds(validity.getObjectAt(1));
            DistinguishedName subject = NameFormatter.format(X500Name.getInstance(tbs.getObjectAt(i++)));
            i++; // subjectPublicKeyInfo

            ExtensionFormatter extensions = new ExtensionFormatter();
            for (; i < tbs.size(); i++) {
                ASN1TaggedObject tagged = ASN1TaggedObject.getInstance(tbs.getObjectAt(i));
                if (tagged.getTagNo() == 3) {
                    addExtensions(extensions, ASN1Sequence.getInstance(tagged.getExplicitBaseObject()));
                }
            }
            ExtensionFormatter.Rendered rendered = extensions.render();

            return new Certificate(subject, issuer, rendered.extensions(), notBefore, notAfter,
                    Hex.serial(serial), Hex.colonUpper(sha1(der)), Hex.colonUpper(sha256), signatureAlgorithm,
                    rendered.isCa(), allDomains(rendered, subject), der);
        } catch (MalformedEntryException e) {
            throw e;
        } catch (IOException | RuntimeException e) {
            throw new MalformedEntryException("certificate does not parse as X.509 DER: " + e, e);
        } catch (StackOverflowError e) {
            // Deeply nested indefinite-length garbage recurses in the ASN.1 parser; the stack unwinds
            // cleanly, so this is one bad entry, not a broken JVM.
            throw new MalformedEntryException("certificate nests ASN.1 too deeply to parse", e);
        }
    }

    private static void addExtensions(ExtensionFormatter extensions, ASN1Sequence list) {
        for (ASN1Encodable element : list) {
            ASN1Sequence ext = ASN1Sequence.getInstance(element);
            ASN1Encodable last = ext.getObjectAt(ext.size() - 1);
            if (ext.size() < 2 || last instanceof ASN1Boolean) {
                continue; // no extnValue: nothing to render
            }
            ASN1ObjectIdentifier oid = ASN1ObjectIdentifier.getInstance(ext.getObjectAt(0));
            extensions.add(oid, ASN1OctetString.getInstance(last).getOctets());
        }
    }

    /**
     * certstream-server-go: the DNS SANs in certificate order, then the CN unless it is empty, already
     * listed, or the certificate is a CA. Unlike Go we also drop repeated SANs (WIRE.md: no duplicates).
     */
    private static List<String> allDomains(ExtensionFormatter.Rendered rendered, DistinguishedName subject) {
        Set<String> domains = new LinkedHashSet<>(rendered.dnsNames());
        String cn = subject.cn();
        if (cn != null && !cn.isEmpty() && !rendered.isCa()) {
            domains.add(cn);
        }
        return new ArrayList<>(domains);
    }

    private static long epochSeconds(ASN1Encodable time) {
        long seconds = derTimeSeconds(time);
        return seconds != Long.MIN_VALUE ? seconds
                : Math.floorDiv(Time.getInstance(time).getDate().getTime(), 1000L);
    }

    /**
     * The two time forms DER allows ({@code YYMMDDHHMMSSZ} UTCTime, {@code YYYYMMDDHHMMSSZ} GeneralizedTime) read
     * directly: BouncyCastle goes through SimpleDateFormat, a measurable share of decoding every certificate.
     * Anything else (odd BER forms real logs accepted, impossible dates) returns Long.MIN_VALUE and is left to
     * BouncyCastle, so both paths give the same answers.
     */
    static long derTimeSeconds(ASN1Encodable time) {
        byte[] e;
        try {
            e = time.toASN1Primitive().getEncoded();
        } catch (IOException | RuntimeException ex) {
            return Long.MIN_VALUE;
        }
        int year;
        int at;
        if (e.length == 15 && e[0] == 0x17 && e[1] == 13 && e[14] == 'Z') {
            int yy = digits(e, 2, 2);
            year = yy < 0 ? -1 : yy < 50 ? 2000 + yy : 1900 + yy; // RFC 5280 4.1.2.5.1
            at = 4;
        } else if (e.length == 17 && e[0] == 0x18 && e[1] == 15 && e[16] == 'Z') {
            year = digits(e, 2, 4);
            at = 6;
        } else {
            return Long.MIN_VALUE;
        }
        int month = digits(e, at, 2);
        int day = digits(e, at + 2, 2);
        int hour = digits(e, at + 4, 2);
        int minute = digits(e, at + 6, 2);
        int second = digits(e, at + 8, 2);
        if (year < 0 || month < 1 || month > 12 || day < 1 || hour < 0 || hour > 23 || minute < 0 || minute > 59
                || second < 0 || second > 59) {
            return Long.MIN_VALUE;
        }
        try {
            return LocalDate.of(year, month, day).toEpochDay() * 86_400L + hour * 3600L + minute * 60L + second;
        } catch (DateTimeException ex) {
            return Long.MIN_VALUE; // e.g. February 30: BouncyCastle's lenient reading decides
        }
    }

    /** The decimal number in {@code bytes[from, from + count)}, or -1 if any is not a digit. */
    private static int digits(byte[] bytes, int from, int count) {
        int value = 0;
        for (int i = from; i < from + count; i++) {
            int d = bytes[i] - '0';
            if (d < 0 || d > 9) {
                return -1;
            }
            value = value * 10 + d;
        }
        return value;
    }

    private static byte[] sha1(byte[] der) {
        MessageDigest md = SHA1.get();
        md.reset();
        return md.digest(der);
    }

    private static byte[] sha256(byte[] der) {
        MessageDigest md = SHA256.get();
        md.reset();
        return md.digest(der);
    }

    private static MessageDigest digest(String algorithm) {
        try {
            return MessageDigest.getInstance(algorithm);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(algorithm + " is missing from this JVM", e);
        }
    }
}
