package io.certstream.plugins.webhook;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeMap;
import java.util.UUID;
import java.util.stream.Stream;

/**
 * A first-in first-out queue of text lines on disk that survives restarts: items are appended (and
 * forced to disk) before they count as accepted, and removed only when {@link #ack acknowledged}.
 *
 * <p>Layout in its directory: {@code segment-<first seq>.log} files of lines {@code <seq> <payload>},
 * rolled at a size so acknowledged data can be deleted a file at a time; {@code acked}, the highest
 * acknowledged sequence number (replaced atomically); {@code queue-id}, a random id fixed at creation
 * that makes item ids unique across queues. A torn last line (crash mid-write) is cut off on open.
 *
 * <p>Blocking file I/O and not thread-safe: callers run every method on one worker thread.
 */
final class DurableQueue {
    /** One stored item. */
    record Entry(long seq, String payload) {
    }

    private static final String SEGMENT_PREFIX = "segment-";
    private static final String SEGMENT_SUFFIX = ".log";

    private final Path dir;
    private final long segmentBytes;
    private final String queueId;
    /** Segment files by the sequence number of their first line. */
    private final TreeMap<Long, Path> segments = new TreeMap<>();
    private long acked;
    private long nextSeq;
    private long bytes;
    /** Where {@link #readNext} continues: a segment and a byte offset in it. */
    private long cursorSegment;
    private long cursorOffset;
    private long cursorSeq;

    private DurableQueue(Path dir, long segmentBytes, String queueId) {
        this.dir = dir;
        this.segmentBytes = segmentBytes;
        this.queueId = queueId;
    }

    static DurableQueue open(Path dir, long segmentBytes) {
        try {
            Files.createDirectories(dir);
            Path idFile = dir.resolve("queue-id");
            if (!Files.exists(idFile)) {
                writeAtomically(idFile, UUID.randomUUID().toString());
            }
            DurableQueue q = new DurableQueue(dir, segmentBytes, Files.readString(idFile).trim());
            q.load();
            return q;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot open the webhook queue in " + dir + ": " + e.getMessage(), e);
        }
    }

    private void load() throws IOException {
        Path ackedFile = dir.resolve("acked");
        acked = Files.exists(ackedFile) ? Long.parseLong(Files.readString(ackedFile).trim()) : 0;
        try (Stream<Path> files = Files.list(dir)) {
            files.filter(p -> p.getFileName().toString().startsWith(SEGMENT_PREFIX)
                            && p.getFileName().toString().endsWith(SEGMENT_SUFFIX))
                    .forEach(p -> {
                        String n = p.getFileName().toString();
                        segments.put(Long.parseLong(n.substring(SEGMENT_PREFIX.length(), n.length() - SEGMENT_SUFFIX.length())), p);
                    });
        }
        nextSeq = acked + 1;
        if (!segments.isEmpty()) {
            nextSeq = Math.max(nextSeq, lastSeqOfTail() + 1);
        }
        deleteAckedSegments();
        bytes = 0;
        for (Path p : segments.values()) {
            bytes += Files.size(p);
        }
        seekToFirstUnacked();
    }

    /** Scans the newest segment for its last complete line, cutting off a torn one. */
    private long lastSeqOfTail() throws IOException {
        var tail = segments.lastEntry();
        long last = tail.getKey() - 1;
        long goodLength = 0;
        try (InputStream in = new BufferedInputStream(Files.newInputStream(tail.getValue()))) {
            long offset = 0;
            byte[] line;
            while ((line = readLine(in)) != null) {
                offset += line.length + 1;
                last = parse(line).seq();
                goodLength = offset;
            }
        }
        if (Files.size(tail.getValue()) != goodLength) {
            try (FileChannel ch = FileChannel.open(tail.getValue(), StandardOpenOption.WRITE)) {
                ch.truncate(goodLength);
            }
        }
        return last;
    }

    private void seekToFirstUnacked() throws IOException {
        cursorSeq = acked;
        if (segments.isEmpty()) {
            cursorSegment = nextSeq;
            cursorOffset = 0;
            return;
        }
        cursorSegment = segments.floorKey(acked + 1) == null ? segments.firstKey() : segments.floorKey(acked + 1);
        cursorOffset = 0;
        // Skip the acknowledged lines at the head of the first segment.
        try (InputStream in = new BufferedInputStream(Files.newInputStream(segments.get(cursorSegment)))) {
            byte[] line;
            while ((line = readLine(in)) != null && parse(line).seq() <= acked) {
                cursorOffset += line.length + 1;
            }
        }
    }

    /** The random id of this queue; item ids are {@code <queue id>-<seq>}. */
    String queueId() {
        return queueId;
    }

    /** Items appended and not yet acknowledged. */
    long pending() {
        return nextSeq - 1 - acked;
    }

    /** Bytes of segment files on disk, acknowledged lines of the oldest segment included. */
    long bytes() {
        return bytes;
    }

    /**
     * Appends payloads (single lines) and forces them to disk, stopping at the first one that would take
     * the queue beyond {@code maxBytes}.
     *
     * @return how many payloads, from the first, were stored
     */
    int append(List<String> payloads, long maxBytes) {
        try {
            if (payloads.isEmpty()) {
                return 0;
            }
            var tail = segments.lastEntry();
            if (tail == null || Files.size(tail.getValue()) >= segmentBytes) {
                Path p = dir.resolve(String.format("%s%020d%s", SEGMENT_PREFIX, nextSeq, SEGMENT_SUFFIX));
                segments.put(nextSeq, p);
                tail = segments.lastEntry();
            }
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            int stored = 0;
            for (String payload : payloads) {
                byte[] line = (nextSeq + stored + " " + payload + "\n").getBytes(StandardCharsets.UTF_8);
                if (bytes + out.size() + line.length > maxBytes) {
                    break;
                }
                out.write(line);
                stored++;
            }
            try (FileChannel ch = FileChannel.open(tail.getValue(),
                    StandardOpenOption.CREATE, StandardOpenOption.WRITE, StandardOpenOption.APPEND)) {
                ByteBuffer buf = ByteBuffer.wrap(out.toByteArray());
                while (buf.hasRemaining()) {
                    ch.write(buf);
                }
                ch.force(false);
            }
            nextSeq += stored;
            bytes += out.size();
            return stored;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot append to the webhook queue in " + dir + ": " + e.getMessage(), e);
        }
    }

    /** Up to {@code max} items after those already read, oldest first; read items stay until acknowledged. */
    List<Entry> readNext(int max) {
        List<Entry> out = new ArrayList<>();
        try {
            while (out.size() < max && cursorSeq < nextSeq - 1) {
                Path segment = segments.get(cursorSegment);
                if (segment == null) {
                    break;
                }
                try (FileChannel ch = FileChannel.open(segment, StandardOpenOption.READ)) {
                    ch.position(cursorOffset);
                    InputStream in = new BufferedInputStream(Channels.newInputStream(ch));
                    byte[] line;
                    while (out.size() < max && (line = readLine(in)) != null) {
                        Entry e = parse(line);
                        cursorOffset += line.length + 1;
                        cursorSeq = e.seq();
                        out.add(e);
                    }
                }
                if (out.size() < max) {
                    Long next = segments.higherKey(cursorSegment);
                    if (next == null) {
                        break;
                    }
                    cursorSegment = next;
                    cursorOffset = 0;
                }
            }
            return out;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the webhook queue in " + dir + ": " + e.getMessage(), e);
        }
    }

    /** Forgets every item up to and including {@code seq}: they were delivered. */
    void ack(long seq) {
        try {
            acked = Math.max(acked, seq);
            writeAtomically(dir.resolve("acked"), Long.toString(acked));
            deleteAckedSegments();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot record delivery in the webhook queue in " + dir + ": " + e.getMessage(), e);
        }
    }

    private void deleteAckedSegments() throws IOException {
        while (!segments.isEmpty()) {
            var first = segments.firstEntry();
            Long next = segments.higherKey(first.getKey());
            long lastSeqInFirst = next == null ? nextSeq - 1 : next - 1;
            if (lastSeqInFirst > acked) {
                return;
            }
            bytes -= Files.size(first.getValue());
            Files.deleteIfExists(first.getValue());
            segments.remove(first.getKey());
            if (cursorSegment == first.getKey()) {
                cursorSegment = next == null ? nextSeq : next;
                cursorOffset = 0;
            }
        }
    }

    private static Entry parse(byte[] line) {
        String s = new String(line, StandardCharsets.UTF_8);
        int space = s.indexOf(' ');
        return new Entry(Long.parseLong(s.substring(0, space)), s.substring(space + 1));
    }

    /** The next complete line without its newline, or {@code null} at the end or before a torn line. */
    private static byte[] readLine(InputStream in) throws IOException {
        ByteArrayOutputStream line = new ByteArrayOutputStream(512);
        int b;
        while ((b = in.read()) != -1) {
            if (b == '\n') {
                return line.toByteArray();
            }
            line.write(b);
        }
        return null;
    }

    private static void writeAtomically(Path file, String content) throws IOException {
        Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
        try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                StandardOpenOption.TRUNCATE_EXISTING)) {
            ch.write(ByteBuffer.wrap(content.getBytes(StandardCharsets.UTF_8)));
            ch.force(false);
        }
        Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    }
}
