package io.certstream.hub.decode;

import org.bouncycastle.asn1.ASN1GeneralizedTime;
import org.bouncycastle.asn1.ASN1UTCTime;
import org.bouncycastle.asn1.x509.Time;
import org.junit.jupiter.api.Test;

import java.util.Date;
import java.util.Locale;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** The fast reading of certificate times agrees with BouncyCastle's, and leaves what it does not know to it. */
class DerTimeTest {

    @Test
    void readsUtcAndGeneralizedTimesLikeBouncyCastle() {
        Random random = new Random(42);
        for (int i = 0; i < 5000; i++) {
            // 1950..2049 for UTCTime, 1950..2200 for GeneralizedTime, whole seconds
            long seconds = -631_152_000L + (long) (random.nextDouble() * 3_155_760_000L);
            ASN1UTCTime utc = new ASN1UTCTime(new Date(seconds * 1000), Locale.ROOT);
            assertEquals(bouncyCastle(utc), CertificateDecoder.derTimeSeconds(utc), utc.getTime());
            long later = seconds + (long) (random.nextDouble() * 4_000_000_000L);
            ASN1GeneralizedTime generalized = new ASN1GeneralizedTime(new Date(later * 1000), Locale.ROOT);
            assertEquals(bouncyCastle(generalized), CertificateDecoder.derTimeSeconds(generalized), generalized.getTime());
        }
    }

    @Test
    void leavesOtherFormsToBouncyCastle() {
        assertEquals(Long.MIN_VALUE, CertificateDecoder.derTimeSeconds(new ASN1UTCTime("2302301200Z")), "February 30");
        assertEquals(Long.MIN_VALUE, CertificateDecoder.derTimeSeconds(new ASN1UTCTime("230101120000+0100")), "an offset");
        assertEquals(Long.MIN_VALUE, CertificateDecoder.derTimeSeconds(new ASN1GeneralizedTime("20230101120000.5Z")), "fractions");
        assertEquals(Long.MIN_VALUE, CertificateDecoder.derTimeSeconds(new ASN1UTCTime("2301011200Z")), "no seconds");
    }

    private static long bouncyCastle(Object time) {
        return Math.floorDiv(Time.getInstance(time).getDate().getTime(), 1000L);
    }
}
