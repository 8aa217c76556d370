package io.certstream.hub.decode;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.net.InetAddress;

import org.junit.jupiter.api.Test;

/** IP SANs must read exactly as certstream-server-go prints them (Go's net.IP.String()). */
class IpAddressesTest {

    @Test
    void spellsAddressesLikeGo() throws Exception {
        assertEquals("192.0.2.1", IpAddresses.format(InetAddress.getByName("192.0.2.1").getAddress()));
        assertEquals("2001:db8::1", format("2001:db8:0:0:0:0:0:1"));
        assertEquals("2001:db8::1:0:0:1", format("2001:db8:0:0:1:0:0:1"), "the first of two equal zero runs is shortened");
        assertEquals("2001:db8:0:1:1:1:1:1", format("2001:db8:0:1:1:1:1:1"), "a single zero group stays");
        assertEquals("::", format("0:0:0:0:0:0:0:0"));
        assertEquals("::1", format("0:0:0:0:0:0:0:1"));
        assertEquals("fe80::", format("fe80:0:0:0:0:0:0:0"));
        byte[] mapped = new byte[16];
        mapped[10] = (byte) 0xFF;
        mapped[11] = (byte) 0xFF;
        mapped[12] = 10;
        mapped[15] = 1;
        assertEquals("10.0.0.1", IpAddresses.format(mapped), "IPv4-mapped addresses print as IPv4 in Go");
    }

    @Test
    void skipsAddressesOfImpossibleLength() {
        assertNull(IpAddresses.format(new byte[5]));
        assertNull(IpAddresses.format(new byte[0]));
    }

    private static String format(String v6) throws Exception {
        return IpAddresses.format(InetAddress.getByName(v6).getAddress());
    }
}
