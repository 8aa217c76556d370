package io.certstream.hub.cluster;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The log assignment every node computes alike: even, independent of order, and moving few logs on a change. */
class AssignmentTest {
    private static List<String> ids(int n) {
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            ids.add(new UUID(i * 7919L, i).toString());
        }
        return ids;
    }

    private static List<String> logs(int n) {
        List<String> logs = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            logs.add("https://ct.example/log" + i);
        }
        return logs;
    }

    @Test
    void spreadsEvenlyWhateverTheOrder() {
        List<String> members = ids(3);
        Map<String, String> a = Assignment.assign(logs(10), members);
        List<String> shuffledLogs = logs(10);
        Collections.shuffle(shuffledLogs);
        List<String> shuffledMembers = new ArrayList<>(members);
        Collections.reverse(shuffledMembers);
        assertEquals(a, new HashMap<>(Assignment.assign(shuffledLogs, shuffledMembers)), "every node computes the same");
        Map<String, Integer> load = new HashMap<>();
        a.values().forEach(m -> load.merge(m, 1, Integer::sum));
        assertEquals(3, load.size());
        assertTrue(load.values().stream().allMatch(n -> n == 3 || n == 4), "10 logs on 3 nodes: 3 or 4 each: " + load);
    }

    @Test
    void aLeavingMemberMovesOnlyWhatItMust() {
        List<String> members = ids(4);
        Map<String, String> before = Assignment.assign(logs(40), members);
        Map<String, String> after = Assignment.assign(logs(40), members.subList(0, 3));
        long moved = before.keySet().stream().filter(l -> !before.get(l).equals(after.get(l))).count();
        long orphaned = before.values().stream().filter(m -> m.equals(members.get(3))).count();
        assertEquals(40, after.size());
        assertTrue(moved >= orphaned && moved <= orphaned + 8, moved + " logs moved for " + orphaned + " orphaned");
    }

    @Test
    void noMembersNoOwners() {
        assertEquals(Map.of(), Assignment.assign(logs(3), List.of()));
    }
}
