package io.certstream.hub.ct.tiled;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;

/**
 * A c2sp.org/signed-note: a text ending in a newline, a blank line, then signature lines
 * {@code — <key name> base64(key ID || signature)}. Parsing checks the shape only; {@link CheckpointVerifier}
 * decides which signatures count.
 *
 * @param text       the signed text, final newline included
 * @param signatures every signature line, known keys or not
 */
public record SignedNote(String text, List<Signature> signatures) {
    /** Verifiers must accept at least 16 signatures; beyond a generous bound the note is not a log's checkpoint. */
    private static final int MAX_SIGNATURES = 100;
    private static final String PREFIX = "\u2014 ";

    /** One signature line: the key name, the 32-bit key ID and the signature bytes after it. */
    public record Signature(String keyName, int keyId, byte[] signature) {
    }

    public SignedNote {
        signatures = List.copyOf(signatures);
    }

    /** Parses a note; throws IllegalArgumentException saying what is wrong. */
    public static SignedNote parse(String note) {
        for (int i = 0; i < note.length(); i++) {
            char c = note.charAt(i);
            if (c < 0x20 && c != '\n') {
                throw new IllegalArgumentException("contains the control character U+" + String.format("%04X", (int) c));
            }
        }
        if (!note.endsWith("\n")) {
            throw new IllegalArgumentException("does not end with a newline");
        }
        int split = note.lastIndexOf("\n\n");
        if (split < 0) {
            throw new IllegalArgumentException("has no blank line before its signatures");
        }
        String text = note.substring(0, split + 1);
        if (split + 2 >= note.length()) {
            throw new IllegalArgumentException("has no signature lines");
        }
        List<Signature> signatures = new ArrayList<>();
        for (String line : note.substring(split + 2, note.length() - 1).split("\n", -1)) {
            if (!line.startsWith(PREFIX)) {
                throw new IllegalArgumentException("signature line does not start with an em dash and a space: " + abbreviate(line));
            }
            String[] parts = line.substring(PREFIX.length()).split(" ", -1);
            if (parts.length != 2 || parts[0].isEmpty() || parts[0].contains("+")) {
                throw new IllegalArgumentException("signature line is not \"— <key name> <base64>\": " + abbreviate(line));
            }
            byte[] bytes;
            try {
                bytes = Base64.getDecoder().decode(parts[1]);
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("signature of " + parts[0] + " is not base64");
            }
            if (bytes.length < 5) {
                throw new IllegalArgumentException("signature of " + parts[0] + " is too short for a key ID and a signature");
            }
            int keyId = ((bytes[0] & 0xFF) << 24) | ((bytes[1] & 0xFF) << 16) | ((bytes[2] & 0xFF) << 8) | (bytes[3] & 0xFF);
            signatures.add(new Signature(parts[0], keyId, Arrays.copyOfRange(bytes, 4, bytes.length)));
            if (signatures.size() > MAX_SIGNATURES) {
                throw new IllegalArgumentException("has more than " + MAX_SIGNATURES + " signatures");
            }
        }
        return new SignedNote(text, signatures);
    }

    private static String abbreviate(String line) {
        return line.length() > 80 ? line.substring(0, 80) + "..." : line;
    }
}
