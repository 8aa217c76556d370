package io.certstream.hub.ct.tiled;

import io.certstream.hub.ct.LogFetchException;
import io.certstream.hub.ct.Sha256;
import io.certstream.hub.ct.SignedTreeHead;
import io.certstream.hub.ct.TreeHeadVerifier;

import io.certstream.hub.metrics.FaultKind;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Arrays;

/**
 * Verifies a static-ct-api checkpoint with the log's key from the log list. The log's signature is the line whose
 * key name is the origin and whose key ID is {@code SHA-256(origin || 0x0A || 0x05 || LogID)[:4]}; its body is an
 * {@code RFC6962NoteSignature} (uint64 timestamp, then the RFC 6962 TreeHeadSignature DigitallySigned). Other
 * signature lines (witnesses, other key types) are ignored, as c2sp.org/signed-note requires. A checkpoint with
 * no valid signature by the log's key is rejected.
 */
public final class CheckpointVerifier {
    private static final byte RFC6962_SIGNATURE_TYPE = 0x05;

    private final TreeHeadVerifier key;
    private String origin;

    /** @param key the log's key, or {@code null} to accept checkpoints unverified (a log configured without a key) */
    public CheckpointVerifier(TreeHeadVerifier key) {
        this.key = key;
    }

    /** The origin of the first valid checkpoint, or {@code null} before one. */
    public String origin() {
        return origin;
    }

    /** Parses and verifies a checkpoint served at {@code url}; failures are LogFetchExceptions naming the URL. */
    public SignedTreeHead verify(String url, String body) {
        SignedNote note;
        Checkpoint checkpoint;
        try {
            note = SignedNote.parse(body);
            checkpoint = Checkpoint.parse(note.text());
        } catch (IllegalArgumentException e) {
            throw new LogFetchException(FaultKind.BAD_CHECKPOINT, url + ": not a valid checkpoint: it " + e.getMessage(), 0);
        }
        if (origin != null && !origin.equals(checkpoint.origin())) {
            throw new LogFetchException(FaultKind.BAD_CHECKPOINT, url + ": checkpoint origin changed from \"" + origin
                    + "\" to \"" + checkpoint.origin() + "\"; this URL now serves another log", 0);
        }
        SignedTreeHead head = key == null ? unverified(checkpoint) : verified(url, checkpoint, note);
        origin = checkpoint.origin();
        return head;
    }

    private SignedTreeHead verified(String url, Checkpoint checkpoint, SignedNote note) {
        int keyId = keyId(checkpoint.origin(), key.logId());
        for (SignedNote.Signature signature : note.signatures()) {
            if (!signature.keyName().equals(checkpoint.origin()) || signature.keyId() != keyId) {
                continue; // someone else's key: witnesses and other signature types are allowed
            }
            byte[] body = signature.signature();
            if (body.length < 8 + 4) {
                throw new LogFetchException(FaultKind.BAD_SIGNATURE, url + ": the log's checkpoint signature is "
                        + body.length + " bytes, too short for an RFC6962NoteSignature", 0);
            }
            long timestamp = ByteBuffer.wrap(body, 0, 8).getLong();
            byte[] digitallySigned = Arrays.copyOfRange(body, 8, body.length);
            SignedTreeHead head = new SignedTreeHead(checkpoint.treeSize(), timestamp, checkpoint.rootHash(), digitallySigned);
            if (!key.signatureValid(head)) {
                throw new LogFetchException(FaultKind.BAD_SIGNATURE, url + ": checkpoint of size " + checkpoint.treeSize()
                        + " rejected: its signature does not verify with the log's key", 0);
            }
            return head;
        }
        throw new LogFetchException(FaultKind.BAD_SIGNATURE, url + ": checkpoint of size " + checkpoint.treeSize()
                + " has no signature by the log's key (expected a line \"— " + checkpoint.origin() + "\" with key ID "
                + String.format("%08x", keyId) + "; found " + note.signatures().size() + " other signature lines)", 0);
    }

    private static SignedTreeHead unverified(Checkpoint checkpoint) {
        return new SignedTreeHead(checkpoint.treeSize(), 0, checkpoint.rootHash(), new byte[0]);
    }

    /** The key ID of a log's RFC 6962 note signature: SHA-256(key name || 0x0A || 0x05 || LogID)[:4]. */
    public static int keyId(String keyName, byte[] logId) {
        MessageDigest sha256 = Sha256.newDigest();
        sha256.update(keyName.getBytes(StandardCharsets.UTF_8));
        sha256.update((byte) '\n');
        sha256.update(RFC6962_SIGNATURE_TYPE);
        sha256.update(logId);
        return ByteBuffer.wrap(sha256.digest()).getInt();
    }
}
