package io.certstream.hub.cluster;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Which member watches which log, computed the same way by every member from the same inputs (the log URLs and
 * Hazelcast's member list): no election, no messages. Balanced rendezvous hashing: each log ranks the members by a
 * hash of (log, member) and goes to the first one in its ranking that has fewer than ceil(logs / members) logs.
 * So logs spread evenly, and when a member joins or leaves mostly the logs of that member move.
 */
final class Assignment {
    private Assignment() {
    }

    /** @return every key's member; empty when there are no members */
    static Map<String, String> assign(Collection<String> keys, Collection<String> members) {
        Map<String, String> owners = new LinkedHashMap<>();
        if (members.isEmpty()) {
            return owners;
        }
        int cap = (keys.size() + members.size() - 1) / members.size();
        Map<String, Integer> load = new HashMap<>();
        List<String> sorted = new ArrayList<>(keys);
        sorted.sort(Comparator.naturalOrder());
        for (String key : sorted) {
            List<String> ranking = new ArrayList<>(members);
            ranking.sort(Comparator.comparingLong((String m) -> score(key, m)).reversed().thenComparing(m -> m));
            for (String member : ranking) {
                if (load.getOrDefault(member, 0) < cap) {
                    load.merge(member, 1, Integer::sum);
                    owners.put(key, member);
                    break;
                }
            }
        }
        return owners;
    }

    static long score(String key, String member) {
        try {
            byte[] hash = MessageDigest.getInstance("SHA-256").digest((key + "\n" + member).getBytes(StandardCharsets.UTF_8));
            long score = 0;
            for (int i = 0; i < 8; i++) {
                score = (score << 8) | (hash[i] & 0xff);
            }
            return score;
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
