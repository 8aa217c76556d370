package io.certstream.hub.config;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class CidrTest {
    @Test
    void prefixesMatchBitByBit() {
        Cidr net = Cidr.parse("10.20.0.0/14");
        assertTrue(net.contains(Cidr.literal("10.23.255.255")));
        assertFalse(net.contains(Cidr.literal("10.24.0.0")));
        assertTrue(Cidr.parse("0.0.0.0/0").contains(Cidr.literal("203.0.113.7")));
        assertTrue(Cidr.parse("192.168.1.7").contains(Cidr.literal("192.168.1.7")));
        assertFalse(Cidr.parse("192.168.1.7").contains(Cidr.literal("192.168.1.8")));
        assertTrue(Cidr.parse("2001:db8::/32").contains(Cidr.literal("2001:db8:ffff::1")));
        assertFalse(Cidr.parse("2001:db8::/32").contains(Cidr.literal("2001:db9::1")));
        assertFalse(Cidr.parse("2001:db8::/32").contains(Cidr.literal("10.0.0.1")), "families never mix");
    }

    @Test
    void anIpv4RangeMatchesTheMappedForm() {
        assertTrue(Cidr.parse("10.0.0.0/8").contains(Cidr.literal("::ffff:10.1.2.3")));
        assertFalse(Cidr.parse("10.0.0.0/8").contains(Cidr.literal("::ffff:11.1.2.3")));
    }

    @Test
    void onlyLiteralsAreAcceptedAndNothingIsLookedUp() {
        assertNull(Cidr.literal("localhost"));
        assertNull(Cidr.literal("example.com"));
        assertNull(Cidr.literal("300.1.1.1"));
        assertThrows(IllegalArgumentException.class, () -> Cidr.parse("10.0.0.0/33"));
        assertThrows(IllegalArgumentException.class, () -> Cidr.parse("intranet/8"));
        assertThrows(IllegalArgumentException.class, () -> Cidr.parse("::1/129"));
    }
}
