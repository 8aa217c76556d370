package io.certstream.hub.testing;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/** Reads big-endian TLS structures in tests, independently of the production encoder. */
public final class TlsReader {

    private final byte[] data;
    private int position;

    public TlsReader(byte[] data) {
        this.data = data;
    }

    public int uint8() {
        need(1);
        return data[position++] & 0xff;
    }

    public int uint16() {
        return (uint8() << 8) | uint8();
    }

    public int uint24() {
        return (uint8() << 16) | (uint8() << 8) | uint8();
    }

    public long uint64() {
        long value = 0;
        for (int i = 0; i < 8; i++) {
            value = (value << 8) | uint8();
        }
        return value;
    }

    public byte[] bytes(int length) {
        need(length);
        byte[] out = Arrays.copyOfRange(data, position, position + length);
        position += length;
        return out;
    }

    public byte[] opaque24() {
        return bytes(uint24());
    }

    /** A 24-bit-length list of 24-bit-length certificates. */
    public List<byte[]> certificateList() {
        TlsReader list = new TlsReader(opaque24());
        List<byte[]> certificates = new ArrayList<>();
        while (!list.done()) {
            certificates.add(list.opaque24());
        }
        return certificates;
    }

    public boolean done() {
        return position == data.length;
    }

    private void need(int n) {
        if (position + n > data.length) {
            throw new IllegalArgumentException("truncated TLS structure: need " + n + " bytes at " + position
                    + " of " + data.length);
        }
    }
}
