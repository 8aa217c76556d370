package io.certstream.hub.ct.merkle;

import java.security.MessageDigest;
import java.util.List;

/**
 * Verification of RFC 6962 Merkle proofs, following the algorithms of RFC 9162 sections 2.1.3.2
 * (inclusion) and 2.1.4.2 (consistency), which accept exactly the proofs RFC 6962 logs produce.
 */
public final class MerkleProofs {

    private MerkleProofs() {
    }

    /**
     * Whether {@code auditPath} proves that the leaf with {@code leafHash} sits at {@code leafIndex}
     * in the tree of {@code treeSize} leaves whose root is {@code rootHash}.
     */
    public static boolean verifyInclusion(long leafIndex, long treeSize, byte[] leafHash,
                                          List<byte[]> auditPath, byte[] rootHash) {
        if (leafIndex < 0 || leafIndex >= treeSize || !allHashes(auditPath) || !isHash(leafHash)) {
            return false;
        }
        long fn = leafIndex;
        long sn = treeSize - 1;
        byte[] r = leafHash;
        for (byte[] p : auditPath) {
            if (sn == 0) {
                return false;
            }
            if ((fn & 1) == 1 || fn == sn) {
                r = MerkleTree.nodeHash(p, r);
                // Skip the levels where this node has no right sibling in the tree of this size.
                while ((fn & 1) == 0 && fn != 0) {
                    fn >>= 1;
                    sn >>= 1;
                }
            } else {
                r = MerkleTree.nodeHash(r, p);
            }
            fn >>= 1;
            sn >>= 1;
        }
        return sn == 0 && MessageDigest.isEqual(r, rootHash);
    }

    /**
     * Whether {@code proof} shows that the tree of {@code firstSize} leaves with root {@code firstRoot}
     * is a prefix of the tree of {@code secondSize} leaves with root {@code secondRoot}.
     */
    public static boolean verifyConsistency(long firstSize, long secondSize, byte[] firstRoot,
                                            byte[] secondRoot, List<byte[]> proof) {
        if (firstSize < 0 || firstSize > secondSize || !allHashes(proof)) {
            return false;
        }
        if (firstSize == secondSize) {
            return proof.isEmpty() && MessageDigest.isEqual(firstRoot, secondRoot);
        }
        if (firstSize == 0) {
            // Every tree extends the empty tree; RFC 6962 logs serve no proof for it.
            return proof.isEmpty();
        }
        if (proof.isEmpty() || !isHash(firstRoot) || !isHash(secondRoot)) {
            return false;
        }
        int next = 0;
        byte[] start;
        // When the old tree is a complete subtree, its root is the proof's implicit first node.
        if (Long.bitCount(firstSize) == 1) {
            start = firstRoot;
        } else {
            start = proof.get(next++);
        }
        long fn = firstSize - 1;
        long sn = secondSize - 1;
        while ((fn & 1) == 1) {
            fn >>= 1;
            sn >>= 1;
        }
        byte[] fr = start;
        byte[] sr = start;
        for (; next < proof.size(); next++) {
            byte[] c = proof.get(next);
            if (sn == 0) {
                return false;
            }
            if ((fn & 1) == 1 || fn == sn) {
                fr = MerkleTree.nodeHash(c, fr);
                sr = MerkleTree.nodeHash(c, sr);
                while ((fn & 1) == 0 && fn != 0) {
                    fn >>= 1;
                    sn >>= 1;
                }
            } else {
                sr = MerkleTree.nodeHash(sr, c);
            }
            fn >>= 1;
            sn >>= 1;
        }
        return sn == 0 && MessageDigest.isEqual(fr, firstRoot) && MessageDigest.isEqual(sr, secondRoot);
    }

    private static boolean allHashes(List<byte[]> hashes) {
        if (hashes == null) {
            return false;
        }
        for (byte[] hash : hashes) {
            if (!isHash(hash)) {
                return false;
            }
        }
        return true;
    }

    private static boolean isHash(byte[] hash) {
        return hash != null && hash.length == MerkleTree.HASH_SIZE;
    }
}
