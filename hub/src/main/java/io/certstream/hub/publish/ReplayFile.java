package io.certstream.hub.publish;

import io.certstream.hub.wire.Cursor;
import io.vertx.core.buffer.Buffer;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.logging.Logger;

/**
 * The replay buffer saved at an orderly stop ({@code <stateDir>/replay.bin}) and read back at the next start, so
 * clients resume across a restart within {@code server.replayMinutes}. The file is deleted once read: after a crash
 * there is no file, and a cursor from before the crash gets a gap notice instead of a silent hole. Blocking: call it
 * on a worker.
 */
public final class ReplayFile {
    private static final Logger LOG = Logger.getLogger(ReplayFile.class.getName());
    private static final int MAGIC = 0x43535231; // "CSR1"
    private final Path file;

    public ReplayFile(Path stateDir) {
        this.file = stateDir.resolve("replay.bin");
    }

    public void save(ReplayBuffer buffer) {
        List<Published> entries = buffer.snapshot();
        Path tmp = file.resolveSibling("replay.bin.tmp");
        try {
            Files.createDirectories(file.getParent());
            try (DataOutputStream out = new DataOutputStream(new BufferedOutputStream(Files.newOutputStream(tmp), 1 << 16))) {
                out.writeInt(MAGIC);
                out.writeUTF(buffer.newestDropped().toString());
                out.writeInt(entries.size());
                for (Published p : entries) {
                    ReplayRecord.writeHead(p, out);
                    bytes(out, p.full());
                    bytes(out, p.lite());
                    bytes(out, p.domainsOnly());
                }
            }
            Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            LOG.info(() -> "saved " + entries.size() + " messages for replay to " + file);
        } catch (IOException e) {
            LOG.warning("cannot save the replay buffer to " + file + ": " + e + "; clients resuming after the restart"
                    + " get a gap notice");
        }
    }

    public void load(ReplayBuffer buffer, long nowMillis) {
        List<Published> entries = new ArrayList<>();
        Cursor dropped;
        try (DataInputStream in = new DataInputStream(new BufferedInputStream(Files.newInputStream(file), 1 << 16))) {
            if (in.readInt() != MAGIC) {
                throw new IOException("not a replay file");
            }
            dropped = Cursor.parse(in.readUTF());
            int n = in.readInt();
            for (int i = 0; i < n; i++) {
                ReplayRecord.Head head = ReplayRecord.readHead(in, Integer.MAX_VALUE);
                entries.add(head.with(bytes(in), bytes(in), bytes(in)));
            }
        } catch (NoSuchFileException e) {
            return;
        } catch (IOException | RuntimeException e) {
            LOG.warning("cannot read the replay buffer " + file + ": " + e + "; starting with an empty one");
            delete();
            return;
        }
        delete();
        buffer.restore(entries, dropped, nowMillis);
        LOG.info(() -> "restored " + buffer.size() + " of " + entries.size() + " saved messages for replay from " + file);
    }

    private void delete() {
        try {
            Files.deleteIfExists(file);
        } catch (IOException e) {
            LOG.warning("cannot delete " + file + " after reading it: " + e);
        }
    }

    private static void bytes(DataOutputStream out, Buffer b) throws IOException {
        out.writeInt(b.length());
        out.write(b.getBytes());
    }

    private static Buffer bytes(DataInputStream in) throws IOException {
        byte[] b = new byte[in.readInt()];
        in.readFully(b);
        return Buffer.buffer(b);
    }
}
