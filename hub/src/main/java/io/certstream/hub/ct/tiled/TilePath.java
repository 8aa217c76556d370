package io.certstream.hub.ct.tiled;

/**
 * Tile paths of c2sp.org/tlog-tiles and static-ct-api: {@code tile/<L>/<N>[.p/<W>]} and
 * {@code tile/data/<N>[.p/<W>]}, where {@code N} is written in 3-digit path elements, all but the last prefixed
 * with {@code x} (1234067 is {@code x001/x234/067}), and {@code W} is the width of a partial tile (1..255).
 */
public final class TilePath {
    /** Hashes in a full tile, entries in a full data tile. */
    public static final int WIDTH = 256;

    private TilePath() {
    }

    /** {@code tile/<level>/<N>[.p/<width>]}: a full tile when {@code width} is 256. */
    public static String hashTile(int level, long index, int width) {
        return "tile/" + level + "/" + encodeIndex(index) + partial(width);
    }

    /** {@code tile/data/<N>[.p/<width>]}: a full data tile when {@code width} is 256. */
    public static String dataTile(long index, int width) {
        return "tile/data/" + encodeIndex(index) + partial(width);
    }

    /** {@code 1234067} as {@code x001/x234/067}. */
    public static String encodeIndex(long index) {
        if (index < 0) {
            throw new IllegalArgumentException("tile index must be >= 0, got " + index);
        }
        StringBuilder path = new StringBuilder(String.format("%03d", index % 1000));
        for (long rest = index / 1000; rest > 0; rest /= 1000) {
            path.insert(0, String.format("x%03d/", rest % 1000));
        }
        return path.toString();
    }

    /**
     * Parses the part after {@code tile/<L>/} or {@code tile/data/} ({@code x001/x234/067.p/5}) into
     * {index, width}; throws IllegalArgumentException when it is not a canonical tile path.
     */
    public static long[] parse(String path) {
        int width = WIDTH;
        String indexPart = path;
        int partial = path.indexOf(".p/");
        if (partial >= 0) {
            String w = path.substring(partial + 3);
            if (!w.matches("[1-9][0-9]{0,2}") || Integer.parseInt(w) > 255) {
                throw new IllegalArgumentException("partial tile width must be 1..255 without leading zeros: " + path);
            }
            width = Integer.parseInt(w);
            indexPart = path.substring(0, partial);
        }
        String[] elements = indexPart.split("/", -1);
        long index = 0;
        for (int i = 0; i < elements.length; i++) {
            String e = elements[i];
            boolean last = i == elements.length - 1;
            if (!(last ? e.matches("[0-9]{3}") : e.matches("x[0-9]{3}")) || (i == 0 && !last && e.equals("x000"))) {
                throw new IllegalArgumentException("not a tile index path: " + path);
            }
            index = Math.multiplyExact(index, 1000) + Integer.parseInt(last ? e : e.substring(1));
        }
        return new long[] {index, width};
    }

    private static String partial(int width) {
        if (width < 1 || width > WIDTH) {
            throw new IllegalArgumentException("tile width must be 1..256, got " + width);
        }
        return width == WIDTH ? "" : ".p/" + width;
    }
}
