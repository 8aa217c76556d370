package io.certstream.hub.decode;

import org.junit.jupiter.api.Test;

import java.math.BigInteger;
import java.util.Locale;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;

class HexTest {

    /** What {@link Hex#serial} computed through BigInteger.toString(16) before: the spelling clients know. */
    private static String viaRadixConversion(BigInteger serial) {
        String digits = serial.abs().toString(16).toUpperCase(Locale.ROOT);
        if (digits.length() % 2 == 1) {
            digits = "0" + digits;
        }
        return serial.signum() < 0 ? "-" + digits : digits;
    }

    @Test
    void serialsAreSpelledAsBefore() {
        assertEquals("00", Hex.serial(BigInteger.ZERO));
        assertEquals("0A", Hex.serial(BigInteger.TEN));
        assertEquals("7F", Hex.serial(BigInteger.valueOf(0x7F)));
        assertEquals("80", Hex.serial(BigInteger.valueOf(0x80)));
        assertEquals("-01", Hex.serial(BigInteger.ONE.negate()));
        assertEquals("0498BDF812FAF923FEBD5EF7B374899FC61A",
                Hex.serial(new BigInteger("0498BDF812FAF923FEBD5EF7B374899FC61A", 16)));
        Random random = new Random(18);
        for (int i = 0; i < 20_000; i++) {
            BigInteger serial = new BigInteger(1 + random.nextInt(168), random);
            if (random.nextInt(10) == 0) {
                serial = serial.negate();
            }
            assertEquals(viaRadixConversion(serial), Hex.serial(serial), serial.toString(16));
        }
    }
}
