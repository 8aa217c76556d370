package io.certstream.hub.ct.tiled;

import java.util.Base64;

/**
 * The body of a c2sp.org/tlog-checkpoint: origin, tree size, root hash (extension lines are allowed and ignored:
 * nothing a CT monitor needs lives there, and static-ct-api signatures do not cover them).
 */
public record Checkpoint(String origin, long treeSize, byte[] rootHash) {

    /** Parses the note text of a checkpoint; throws IllegalArgumentException saying what is wrong. */
    public static Checkpoint parse(String text) {
        String[] lines = text.split("\n", -1);
        // text ends with a newline, so the last element is empty
        if (lines.length < 4) {
            throw new IllegalArgumentException("has " + (lines.length - 1) + " lines; a checkpoint has origin, size and root hash");
        }
        String origin = lines[0];
        if (origin.isEmpty()) {
            throw new IllegalArgumentException("has an empty origin line");
        }
        if (!lines[1].matches("0|[1-9][0-9]{0,18}")) {
            throw new IllegalArgumentException("tree size line is not a decimal number: \"" + lines[1] + "\"");
        }
        long size = Long.parseLong(lines[1]);
        byte[] root;
        try {
            root = Base64.getDecoder().decode(lines[2]);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("root hash line is not base64: \"" + lines[2] + "\"");
        }
        if (root.length != 32) {
            throw new IllegalArgumentException("root hash is " + root.length + " bytes, not 32");
        }
        return new Checkpoint(origin, size, root);
    }
}
