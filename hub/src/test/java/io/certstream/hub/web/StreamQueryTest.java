package io.certstream.hub.web;

import io.certstream.hub.wire.StreamType;
import io.certstream.model.UpdateType;
import io.vertx.core.MultiMap;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class StreamQueryTest {

    private static StreamQuery parse(String... pairs) {
        MultiMap params = MultiMap.caseInsensitiveMultiMap();
        for (int i = 0; i < pairs.length; i += 2) {
            params.add(pairs[i], pairs[i + 1]);
        }
        return StreamQuery.parse(StreamType.LITE, params, null);
    }

    @Test
    void noParametersIsTheUnfilteredStream() {
        StreamQuery q = parse();
        assertTrue(q.filter().isNone());
        assertNull(q.since());
    }

    @Test
    void domainsAreNormalizedToLowerCaseALabelsWhateverForm() {
        StreamQuery q = parse("domain", "Example.COM., *.bücher.example", "domain", "xn--p1ai");
        assertEquals(Set.of("example.com", "xn--bcher-kva.example", "xn--p1ai"), q.filter().domains());
        // Equal filters written differently are one group.
        assertEquals(q.filter(), parse("domain", "xn--p1ai,example.com", "domain", "XN--BCHER-KVA.example").filter());
    }

    @Test
    void typeLogDedupAndSeveralMatchesCombine() {
        StreamQuery q = parse("type", "PRECERT", "log", "Argon", "dedup", "true", "match", "^a", "match", "b$");
        assertEquals(UpdateType.PrecertLogEntry, q.filter().type());
        assertEquals("argon", q.filter().log());
        assertTrue(q.filter().dedup());
        Pattern p = q.filter().compile();
        assertTrue(p.matcher("abc").find() && p.matcher("xyb").find());
        assertFalse(p.matcher("xyz").find());
    }

    @Test
    void lastEventIdWinsOverSince() {
        MultiMap params = MultiMap.caseInsensitiveMultiMap().add("since", "0190000000000000-00000001-1");
        StreamQuery q = StreamQuery.parse(StreamType.FULL, params, "0190000000000005-00000001-2");
        assertEquals(2, q.since().index());
        assertThrows(StreamQuery.BadQuery.class, () -> StreamQuery.parse(StreamType.FULL, params, "garbage"));
    }

    @Test
    void sseChoosesTheStreamAndRefusesUnknownOnes() {
        assertEquals(StreamType.FULL, StreamQuery.parseSse(MultiMap.caseInsensitiveMultiMap().add("stream", "full"), null).stream());
        assertEquals(StreamType.LITE, StreamQuery.parseSse(MultiMap.caseInsensitiveMultiMap(), null).stream());
        assertThrows(StreamQuery.BadQuery.class,
                () -> StreamQuery.parseSse(MultiMap.caseInsensitiveMultiMap().add("stream", "all"), null));
    }

    @Test
    void badValuesSayWhichParameterAndWhy() {
        for (List<String> bad : List.of(List.of("domain", "a b.example"), List.of("domain", ","),
                List.of("match", "x{2,1}"), List.of("type", "cert"), List.of("dedup", "2"), List.of("since", "1-2-3"),
                List.of("colour", "red"), List.of("match", "a".repeat(StreamQuery.MAX_REGEX + 1)))) {
            StreamQuery.BadQuery e = assertThrows(StreamQuery.BadQuery.class, () -> parse(bad.get(0), bad.get(1)), bad.toString());
            assertTrue(e.getMessage().contains(bad.get(0)), e.getMessage());
            assertFalse(e.getMessage().contains("\n"), e.getMessage());
        }
        assertEquals(Set.of(), parse("token", "secret").filter().domains(), "token belongs to the access checks");
    }

    @Test
    void aCatastrophicRegexIsStoppedNotTheEventLoop() {
        Pattern evil = Pattern.compile("^(a+)+$");
        long start = System.nanoTime();
        assertFalse(StreamFilter.find(evil, "a".repeat(60) + "!"));
        assertTrue(System.nanoTime() - start < 2_000_000_000L, "gave up quickly");
        assertTrue(StreamFilter.find(evil, "aaaa"));
    }
}
