package io.certstream.hub.publish;

import io.certstream.hub.wire.Cursor;
import io.certstream.hub.wire.StreamType;
import io.vertx.core.Context;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.logging.Logger;
import java.util.stream.Stream;

/**
 * The replay buffer's disk part: every published message appended to segment files under {@code <stateDir>/replay/}
 * (one per {@link #SEGMENT_MILLIS} or {@code segmentBytes}, named by the sequence number of their first message),
 * with only one small entry per segment on the heap. One writer thread fed by a bounded queue does all the writing
 * and deleting, so publishing never waits for the disk: a full queue drops the message from the disk (counted,
 * logged) and the sequence numbers then skip, which readers report as a gap. Reads are blocking and refuse to run
 * on an event loop. The {@code index} file lists the closed segments and says whether the last run stopped cleanly;
 * after a crash the unlisted segment's damaged tail is cut, and the sequence skips one so that what was published
 * but never written reads as a gap, not as a silent hole.
 */
public final class ReplaySegments {
    private static final Logger LOG = Logger.getLogger(ReplaySegments.class.getName());
    static final long SEGMENT_MILLIS = 10_000;
    static final int QUEUE_MESSAGES = 4096;
    static final long QUEUE_BYTES = 4 << 20;
    private static final String INDEX = "index";
    private static final String HEADER = "certstream-replay 1";
    private static final long LOG_EVERY_MILLIS = 60_000;
    /**
     * The index is rewritten at most this often: it lists every segment, and a catch-up that outruns the writer closes
     * a segment at each dropped message, so rewriting it per segment cost more than writing the messages. A segment
     * the index does not list yet is read and checked at the next start, as after a crash.
     */
    static final long INDEX_EVERY_MILLIS = 1_000;

    private final Path dir;
    private final long replayMillis;
    private final long maxBytes;
    private final long segmentBytes;
    /** Guarded by this: oldest first, the last one is open while the writer adds to it. */
    private final List<Segment> segments;
    private long diskBytes;
    private Cursor newestDropped;
    /** Guarded by this: the file offset of the position each recent read stopped at (bounded, oldest forgotten). */
    private final Map<Long, long[]> offsets = new LinkedHashMap<>(64, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<Long, long[]> eldest) {
            return size() > 256;
        }
    };
    private final long firstSeqOfRun;
    private final BlockingQueue<Entry> queue = new ArrayBlockingQueue<>(QUEUE_MESSAGES);
    private final AtomicLong queuedBytes = new AtomicLong();
    private final AtomicLong drops = new AtomicLong();
    private volatile long lastDropLog;
    private final Thread writer;
    private volatile boolean stopping;
    /** Every sequence number below it is written and readable, or lost for good: the memory tail may let it go. */
    private volatile long handledBefore;
    /** Told after each flush, off every lock: the memory tail then lets go of what is now on disk. */
    private volatile Runnable onWritten = () -> { };

    /** One segment file; all fields but {@code firstSeq}, {@code firstCursor} and {@code path} change under the lock. */
    static final class Segment {
        final long firstSeq;
        final Cursor firstCursor;
        final Path path;
        Cursor lastCursor;
        /** Messages readable (written and flushed); a damaged record found by a reader ends it there. */
        int count;
        long bytes;
        boolean open;

        Segment(long firstSeq, Cursor firstCursor, Path path) {
            this.firstSeq = firstSeq;
            this.firstCursor = firstCursor;
            this.path = path;
        }

        long end() {
            return firstSeq + count;
        }
    }

    /** What a read found: messages from {@code position} on, or {@code lost} when none are kept there. */
    record Chunk(List<Published> entries, long next, boolean lost) {
    }

    private record Entry(long seq, Published p, long bytes) {
    }

    /** Queued last by {@link #close()}: everything before it is written, then the writer stops. */
    private static final Entry STOP = new Entry(-1, null, 0);

    private ReplaySegments(Path dir, long replayMillis, long maxBytes, long segmentBytes, List<Segment> segments,
                           Cursor newestDropped, long firstSeqOfRun) {
        this.dir = dir;
        this.replayMillis = replayMillis;
        this.maxBytes = maxBytes;
        this.segmentBytes = segmentBytes;
        this.segments = segments;
        this.newestDropped = newestDropped;
        this.firstSeqOfRun = firstSeqOfRun;
        this.handledBefore = firstSeqOfRun;
        for (Segment s : segments) {
            diskBytes += s.bytes;
        }
        this.writer = new Thread(new Writer(), "certstream-replay-writer");
        writer.setDaemon(true);
    }

    /**
     * Opens {@code dir} (made if missing), checks what the previous run left and starts the writer. Blocking: call it
     * on a worker, before anything is published.
     */
    public static ReplaySegments open(Path dir, long replayMillis, long maxBytes, long nowMillis) throws IOException {
        // Whole segments are dropped: at most an eighth of the bound is ever over it.
        return open(dir, replayMillis, maxBytes, Math.max(64 << 10, Math.min(16L << 20, maxBytes / 8)), nowMillis);
    }

    static ReplaySegments open(Path dir, long replayMillis, long maxBytes, long segmentBytes, long nowMillis)
            throws IOException {
        Files.createDirectories(dir);
        Index index = Index.read(dir);
        List<Segment> segments = new ArrayList<>();
        List<Path> files;
        try (Stream<Path> list = Files.list(dir)) {
            files = list.filter(f -> f.getFileName().toString().endsWith(".seg")).sorted().toList();
        }
        Map<Path, Segment> listedByName = new HashMap<>();
        for (Segment s : index.segments) {
            listedByName.put(s.path.getFileName(), s);
        }
        for (Path file : files) {
            Segment listed = listedByName.get(file.getFileName());
            Segment s = listed != null && Files.size(file) == listed.bytes ? listed : recover(file);
            if (s == null) {
                Files.deleteIfExists(file);
            } else if (!segments.isEmpty() && s.firstSeq < segments.get(segments.size() - 1).end()) {
                LOG.warning(() -> "replay segment " + file + " overlaps the one before it; deleted");
                Files.deleteIfExists(file);
            } else {
                segments.add(s);
            }
        }
        boolean crashed = !segments.isEmpty() && !index.stopped;
        long next = segments.isEmpty() ? index.nextSeq : segments.get(segments.size() - 1).end();
        Cursor start = new Cursor(Cursor.stamp(nowMillis, 0), 0, 0);
        Cursor dropped = segments.isEmpty() ? start
                : index.newestDropped != null ? index.newestDropped : segments.get(0).firstCursor;
        if (crashed && dropped.compareTo(segments.get(0).firstCursor) < 0) {
            // The index may predate the last deletions: before the oldest kept message, count everything as dropped.
            dropped = segments.get(0).firstCursor;
        }
        if (crashed) {
            Cursor last = segments.get(segments.size() - 1).lastCursor;
            LOG.warning(() -> "the previous run did not stop cleanly: messages published after " + last + " that were"
                    + " not yet written to " + dir + " are lost; clients resuming across them get a gap notice");
            // A missing sequence number between what was written and this run: readers report it as a gap.
            next++;
        }
        ReplaySegments disk = new ReplaySegments(dir, replayMillis, maxBytes, segmentBytes, segments, dropped, next);
        disk.trim(nowMillis);
        disk.writeIndex(false);
        disk.writer.start();
        long kept = disk.diskMessages();
        LOG.info(() -> "replay: " + kept + " messages (" + disk.diskBytes() / (1 << 20) + " MB) kept in " + dir);
        return disk;
    }

    /** The sequence number of this run's first message. */
    long firstSeqOfRun() {
        return firstSeqOfRun;
    }

    /** Sequence numbers below it are on disk (or lost for good); the memory tail keeps the others a while longer. */
    long handledBefore() {
        return handledBefore;
    }

    void onWritten(Runnable then) {
        onWritten = then;
    }

    /**
     * Hands a published message ({@code size}: its {@link Published#retainedBytes}) to the writer; never blocks. A full
     * queue drops it from the disk (counted).
     */
    void offer(long seq, Published p, long size) {
        if (stopping || queuedBytes.get() + size > QUEUE_BYTES || !queue.offer(new Entry(seq, p, size))) {
            long n = drops.incrementAndGet();
            long now = System.currentTimeMillis();
            if (now - lastDropLog > LOG_EVERY_MILLIS) {
                lastDropLog = now;
                LOG.warning(() -> "replay: the disk writer is behind (" + queue.size() + " messages queued); " + n
                        + " messages not written to " + dir + " so far: clients resuming across them get a gap notice");
            }
            return;
        }
        queuedBytes.addAndGet(size);
    }

    /** Writes what is queued, closes the open segment and marks the stop clean. Blocking. */
    public void close() {
        stopping = true;
        // Wakes the writer at once; if the queue is full it stops at the first empty poll instead.
        queue.offer(STOP);
        try {
            writer.join(30_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        if (writer.isAlive()) {
            LOG.warning("replay: the disk writer did not finish within 30 s; the next start treats this stop as a crash");
        }
    }

    synchronized boolean hasSegments() {
        return nextKept(-1) != Long.MAX_VALUE;
    }

    /** The oldest message's sequence number, or {@link Long#MAX_VALUE} when nothing is written. */
    synchronized long firstSeq() {
        return nextKept(-1);
    }

    /** The newest message written, or null. */
    synchronized Cursor newest() {
        for (int i = segments.size() - 1; i >= 0; i--) {
            if (segments.get(i).lastCursor != null) {
                return segments.get(i).lastCursor;
            }
        }
        return null;
    }

    /** The newest message deleted from the disk (or the start of the first run that wrote any). */
    synchronized Cursor newestDropped() {
        return newestDropped;
    }

    public synchronized long diskBytes() {
        return diskBytes;
    }

    public synchronized long diskMessages() {
        long n = 0;
        for (Segment s : segments) {
            n += s.count;
        }
        return n;
    }

    public long drops() {
        return drops.get();
    }

    /**
     * Where a resume from {@code since} starts on disk: after the message with that cursor, or else at the first with
     * a larger one (messages are nearly in cursor order: a late arrival may sit a little after a newer one). -1 when
     * {@code since} is older than everything on disk. Blocking.
     */
    long locate(Cursor since) throws IOException {
        notOnEventLoop();
        List<Segment> around = new ArrayList<>(3);
        int[] counts = new int[3];
        synchronized (this) {
            int i = segments.size() - 1;
            while (i >= 0 && (segments.get(i).count == 0 || segments.get(i).firstCursor.compareTo(since) > 0)) {
                i--;
            }
            if (i < 0) {
                return -1;
            }
            // The place by first cursors, and its neighbours: a late arrival may open a segment or end one.
            for (int k = i; k >= Math.max(0, i - 1); k--) {
                around.add(segments.get(k));
            }
            if (i + 1 < segments.size()) {
                around.add(segments.get(i + 1));
            }
            for (int k = 0; k < around.size(); k++) {
                counts[k] = around.get(k).count;
            }
        }
        long firstLarger = -1;
        for (int k = 0; k < around.size(); k++) {
            long[] found = scan(around.get(k), counts[k], since);
            if (found[0] >= 0) {
                return found[0];
            }
            if (k == 0) {
                firstLarger = found[1];
            }
        }
        return firstLarger;
    }

    /**
     * Looks for {@code since} among the first {@code count} messages of {@code s}: {position after it or -1,
     * position of the first larger cursor or the segment's end}. Reads only the cursors.
     */
    private static long[] scan(Segment s, int count, Cursor since) {
        long firstLarger = -1;
        try (DataInputStream in = new DataInputStream(new BufferedInputStream(Files.newInputStream(s.path), 1 << 16))) {
            for (int k = 0; k < count; k++) {
                int[] header = ReplayRecord.header(in);
                if (header == null) {
                    break;
                }
                String text = in.readUTF();
                in.skipNBytes(header[0] - 2 - utfLength(text));
                int order = Cursor.parse(text).compareTo(since);
                if (order == 0) {
                    return new long[] {s.firstSeq + k + 1, -1};
                }
                if (order > 0 && firstLarger < 0) {
                    firstLarger = s.firstSeq + k;
                }
            }
        } catch (IOException | RuntimeException e) {
            // Deleted meanwhile or damaged: the reads that follow find it again and report a gap from there.
            LOG.fine(() -> "replay: locating " + since + " in " + s.path + ": " + e);
        }
        return new long[] {-1, firstLarger >= 0 ? firstLarger : s.firstSeq + count};
    }

    /**
     * Up to {@code max} messages (and about {@code maxBytes} of them) from sequence number {@code position} on,
     * all from one segment. When {@code position} is not kept (dropped, never written, damaged) the chunk is
     * {@code lost} and {@code next} is the next kept position, or {@link Long#MAX_VALUE} when the disk has none after.
     */
    Chunk read(long position, int max, long maxBytes, StreamType only) {
        notOnEventLoop();
        Segment s;
        int count;
        long[] known;
        synchronized (this) {
            s = containing(position);
            if (s == null) {
                return new Chunk(List.of(), nextKept(position), true);
            }
            count = s.count;
            known = offsets.get(position);
            if (known != null && known[0] != s.firstSeq) {
                // Where a read stopped at the end of another segment.
                known = null;
            }
        }
        List<Published> out = new ArrayList<>();
        ReplayRecord record = new ReplayRecord();
        long at = position;
        try (InputStream file = Files.newInputStream(s.path)) {
            long offset = known == null ? 0 : known[1];
            // A seek: the stream is a file channel's.
            file.skipNBytes(offset);
            InputStream in = new BufferedInputStream(file, 1 << 16);
            for (long k = known == null ? s.firstSeq : position; k < position; k++) {
                int length = ReplayRecord.header(in)[0];
                in.skipNBytes(length);
                offset += ReplayRecord.HEADER + length;
            }
            long bytes = 0;
            while (out.size() < max && bytes < maxBytes && at < s.firstSeq + count) {
                int[] header = ReplayRecord.header(in);
                if (header == null) {
                    throw new IOException("segment ends before its " + count + " messages");
                }
                Published p = ReplayRecord.decode(record.payload(in, header), only);
                bytes += p.full().length() + p.lite().length() + p.domainsOnly().length();
                offset += ReplayRecord.HEADER + header[0];
                out.add(p);
                at++;
            }
            synchronized (this) {
                // Where the next page starts: its read seeks there instead of skipping the records before it.
                offsets.put(at, new long[] {s.firstSeq, offset});
            }
        } catch (NoSuchFileException deletedMeanwhile) {
            if (out.isEmpty()) {
                synchronized (this) {
                    return new Chunk(List.of(), nextKept(position), true);
                }
            }
        } catch (IOException | RuntimeException e) {
            damaged(s, at, e);
            if (out.isEmpty()) {
                synchronized (this) {
                    return new Chunk(List.of(), nextKept(position), true);
                }
            }
        }
        return new Chunk(out, at, false);
    }

    /** A reader found a damaged record: the segment ends before it for every later read (logged once). */
    private synchronized void damaged(Segment s, long at, Exception e) {
        if (s.firstSeq + s.count > at) {
            s.count = (int) (at - s.firstSeq);
            LOG.warning(() -> "replay: " + s.path + " is damaged at message " + (at - s.firstSeq) + " (" + e
                    + "); the rest of it is skipped and resuming clients get a gap notice");
        }
    }

    /** Guarded by this: the segment holding {@code position}, or null. */
    private Segment containing(long position) {
        int lo = 0;
        int hi = segments.size() - 1;
        while (lo <= hi) {
            int mid = (lo + hi) >>> 1;
            Segment s = segments.get(mid);
            if (position < s.firstSeq) {
                hi = mid - 1;
            } else if (position >= s.end()) {
                lo = mid + 1;
            } else {
                return s;
            }
        }
        return null;
    }

    /** Guarded by this: the first kept position after {@code position}, or {@link Long#MAX_VALUE}. */
    private long nextKept(long position) {
        for (Segment s : segments) {
            if (s.count > 0 && s.firstSeq > position) {
                return s.firstSeq;
            }
        }
        return Long.MAX_VALUE;
    }

    /** Deletes whole oldest segments beyond the age or size bound (the open one stays); whether it deleted any. */
    private boolean trim(long nowMillis) {
        List<Segment> gone = new ArrayList<>();
        synchronized (this) {
            while (!segments.isEmpty() && !segments.get(0).open) {
                Segment first = segments.get(0);
                boolean tooOld = first.lastCursor == null || first.lastCursor.millis() < nowMillis - replayMillis;
                if (!tooOld && diskBytes <= maxBytes) {
                    break;
                }
                segments.remove(0);
                diskBytes -= first.bytes;
                if (first.lastCursor != null && first.lastCursor.compareTo(newestDropped) > 0) {
                    newestDropped = first.lastCursor;
                }
                gone.add(first);
            }
        }
        for (Segment s : gone) {
            try {
                Files.deleteIfExists(s.path);
            } catch (IOException e) {
                LOG.warning("replay: cannot delete " + s.path + ": " + e + " (the disk bound server.replayMaxDiskMegabytes"
                        + " counts it as gone)");
            }
        }
        return !gone.isEmpty();
    }

    /** Lists the closed segments; {@code stopped}: the run ends cleanly here. Written to a temp file, then moved. */
    private void writeIndex(boolean stopped) {
        StringBuilder text = new StringBuilder();
        synchronized (this) {
            long next = segments.isEmpty() ? firstSeqOfRun : segments.get(segments.size() - 1).end();
            text.append(HEADER).append(' ').append(stopped ? "stopped" : "running").append(' ').append(newestDropped)
                    .append(' ').append(Long.toHexString(next)).append('\n');
            for (Segment s : segments) {
                if (!s.open && s.count > 0) {
                    text.append(Long.toHexString(s.firstSeq)).append(' ').append(s.count).append(' ').append(s.bytes)
                            .append(' ').append(s.firstCursor).append(' ').append(s.lastCursor).append('\n');
                }
            }
        }
        Path tmp = dir.resolve(INDEX + ".tmp");
        try {
            Files.writeString(tmp, text);
            Files.move(tmp, dir.resolve(INDEX), StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            LOG.warning("replay: cannot write " + dir.resolve(INDEX) + ": " + e + "; the next start rereads the segments");
        }
    }

    /** Reads a segment the index does not vouch for: counts its intact messages and cuts a damaged tail. */
    private static Segment recover(Path file) throws IOException {
        long firstSeq = Long.parseUnsignedLong(file.getFileName().toString().replace(".seg", ""), 16);
        ReplayRecord record = new ReplayRecord();
        Segment s = null;
        long good = 0;
        String problem = null;
        try (InputStream in = new BufferedInputStream(Files.newInputStream(file), 1 << 16)) {
            while (true) {
                int[] header = ReplayRecord.header(in);
                if (header == null) {
                    break;
                }
                Cursor c = ReplayRecord.cursor(record.payload(in, header));
                if (s == null) {
                    s = new Segment(firstSeq, c, file);
                }
                s.count++;
                s.lastCursor = c;
                good += ReplayRecord.HEADER + header[0];
            }
        } catch (IOException | RuntimeException e) {
            problem = e.toString();
        }
        long size = Files.size(file);
        if (problem != null || good != size) {
            String why = problem;
            long kept = good;
            LOG.warning(() -> "replay: " + file + " has a damaged tail after " + kept + " of " + size + " bytes (" + why
                    + ", a crash while writing); cut there");
            try (FileChannel ch = FileChannel.open(file, StandardOpenOption.WRITE)) {
                ch.truncate(good);
            }
        }
        if (s != null) {
            s.bytes = good;
        }
        return s;
    }

    private static void notOnEventLoop() {
        if (Context.isOnEventLoopThread()) {
            throw new IllegalStateException("replay segments are read on a worker, never on an event loop");
        }
    }

    private static int utfLength(String ascii) {
        return ascii.getBytes(StandardCharsets.UTF_8).length;
    }

    /** The single writer: appends, flushes when the queue is empty, rolls segments, trims, keeps the index. */
    private final class Writer implements Runnable {
        private final ReplayRecord record = new ReplayRecord();
        private Segment open;
        private OutputStream out;
        private long expected = -1;
        private int pendingCount;
        private long pendingBytes;
        private Cursor pendingLast;
        private long lastErrorLog;
        /** Segments were closed or deleted since the index was last written. */
        private boolean indexStale;
        private long indexWrittenAt;

        @Override
        public void run() {
            while (true) {
                Entry e;
                try {
                    e = queue.poll(1, TimeUnit.SECONDS);
                } catch (InterruptedException interrupted) {
                    break;
                }
                if (e == STOP || e == null && stopping) {
                    break;
                }
                if (e == null) {
                    indexStale |= trim(System.currentTimeMillis());
                } else {
                    queuedBytes.addAndGet(-e.bytes);
                    write(e);
                    if (queue.isEmpty()) {
                        flush();
                    }
                }
                long now = System.currentTimeMillis();
                if (indexStale && now - indexWrittenAt >= INDEX_EVERY_MILLIS) {
                    writeIndex(false);
                    indexStale = false;
                    indexWrittenAt = now;
                }
            }
            flush();
            closeSegment();
            writeIndex(true);
            LOG.info(() -> "replay: " + diskMessages() + " messages kept in " + dir + " for the next start");
        }

        private void write(Entry e) {
            try {
                if (open != null && (e.seq != expected || open.bytes + pendingBytes >= segmentBytes
                        || e.p.cursor().millis() - open.firstCursor.millis() >= SEGMENT_MILLIS)) {
                    flush();
                    closeSegment();
                    trim(System.currentTimeMillis());
                    indexStale = true;
                }
                if (open == null) {
                    Segment s = new Segment(e.seq, e.p.cursor(), dir.resolve(String.format("%016x.seg", e.seq)));
                    s.open = true;
                    out = new BufferedOutputStream(Files.newOutputStream(s.path, StandardOpenOption.CREATE,
                            StandardOpenOption.TRUNCATE_EXISTING, StandardOpenOption.WRITE), 1 << 16);
                    open = s;
                    synchronized (ReplaySegments.this) {
                        segments.add(s);
                    }
                }
                expected = e.seq + 1;
                pendingBytes += record.write(e.p, out);
                pendingCount++;
                pendingLast = e.p.cursor();
            } catch (IOException | RuntimeException ex) {
                failed(ex);
            }
        }

        /** Makes what was written readable: to the OS, then counted in the index. */
        private void flush() {
            if (open == null || pendingCount == 0) {
                return;
            }
            try {
                out.flush();
                synchronized (ReplaySegments.this) {
                    open.count += pendingCount;
                    open.bytes += pendingBytes;
                    open.lastCursor = pendingLast;
                    diskBytes += pendingBytes;
                }
                pendingCount = 0;
                pendingBytes = 0;
                handledBefore = expected;
            } catch (IOException ex) {
                failed(ex);
            }
            onWritten.run();
        }

        private void closeSegment() {
            if (open == null) {
                return;
            }
            try {
                out.close();
            } catch (IOException ex) {
                LOG.warning("replay: closing " + open.path + ": " + ex);
            }
            synchronized (ReplaySegments.this) {
                open.open = false;
                if (open.count == 0) {
                    segments.remove(open);
                }
            }
            open = null;
        }

        /**
         * The disk refused a write: what was not flushed is lost (counted as drops), the segment is closed at what was
         * flushed and the next message starts a new one, so readers see a gap, not a hole.
         */
        private void failed(Exception ex) {
            drops.addAndGet(Math.max(1, pendingCount));
            long now = System.currentTimeMillis();
            if (now - lastErrorLog > LOG_EVERY_MILLIS) {
                lastErrorLog = now;
                LOG.warning("replay: cannot write to " + (open == null ? dir : open.path) + ": " + ex
                        + "; messages are kept in memory only until the disk works again (resumes get a gap notice)");
            }
            pendingCount = 0;
            pendingBytes = 0;
            if (expected > handledBefore) {
                handledBefore = expected;
            }
            Segment s = open;
            closeSegment();
            if (s != null) {
                try (FileChannel ch = FileChannel.open(s.path, StandardOpenOption.WRITE)) {
                    ch.truncate(s.bytes);
                } catch (IOException ignored) {
                    // the next start checks the file anyway
                }
            }
            expected = -1;
        }
    }

    /** The {@code index} file as the last run left it. */
    private record Index(boolean stopped, Cursor newestDropped, long nextSeq, List<Segment> segments) {
        static Index read(Path dir) {
            Path file = dir.resolve(INDEX);
            try {
                List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
                String[] head = lines.get(0).split(" ");
                if (!(head[0] + " " + head[1]).equals(HEADER)) {
                    throw new IOException("not a replay index");
                }
                List<Segment> segments = new ArrayList<>();
                for (String line : lines.subList(1, lines.size())) {
                    String[] f = line.split(" ");
                    long first = Long.parseUnsignedLong(f[0], 16);
                    Segment s = new Segment(first, Cursor.parse(f[3]), dir.resolve(String.format("%016x.seg", first)));
                    s.count = Integer.parseInt(f[1]);
                    s.bytes = Long.parseLong(f[2]);
                    s.lastCursor = Cursor.parse(f[4]);
                    segments.add(s);
                }
                return new Index("stopped".equals(head[2]), Cursor.parse(head[3]), Long.parseUnsignedLong(head[4], 16),
                        segments);
            } catch (NoSuchFileException e) {
                return new Index(false, null, 0, List.of());
            } catch (IOException | RuntimeException e) {
                LOG.warning("replay: cannot read " + file + " (" + e + "); its segments are checked one by one");
                return new Index(false, null, 0, List.of());
            }
        }
    }
}
