package io.certstream.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** The hub's gap notice as the library parses and describes it (the real notice is in it/GapNoticeTest). */
class GapMessageTest {

    @Test
    void parsesAGapWhoseHubKeepsNothingYet() {
        String json = "{\"message_type\":\"gap\",\"since\":\"0189f0000000000-00000000-5\",\"oldest\":null,"
                + "\"missing_seconds\":3725.4,\"message\":\"no longer kept\"}";
        GapMessage gap = assertInstanceOf(GapMessage.class, CertStreamMessages.parse(json).orElseThrow());
        assertEquals("0189f0000000000-00000000-5", gap.since());
        assertNull(gap.oldest());
        assertEquals(3725.4, gap.missingSeconds());
        assertEquals("no longer kept", gap.text());
        assertEquals(json, gap.rawJson());
        assertNull(CertStreamMessages.cursor(json), "a gap has no cursor of its own: the client keeps its last one");
        assertTrue(gap.describe().startsWith("missed about 1 h 2 min of certificates: the server no longer keeps what was"
                + " published after cursor 0189f0000000000-00000000-5; it keeps nothing older yet"), gap.describe());
    }

    @Test
    void formatsTheMissedTimeForPeople() {
        assertEquals("0.4 s", GapMessage.formatSeconds(0.42));
        assertEquals("42 s", GapMessage.formatSeconds(41.6));
        assertEquals("1 min", GapMessage.formatSeconds(60));
        assertEquals("12 min 5 s", GapMessage.formatSeconds(725));
        assertEquals("3 h", GapMessage.formatSeconds(10_790));
        assertEquals("3 h 2 min", GapMessage.formatSeconds(10_920));
    }
}
