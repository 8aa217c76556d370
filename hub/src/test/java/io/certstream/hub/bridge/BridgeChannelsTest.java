package io.certstream.hub.bridge;

import io.certstream.hub.wire.EncodedUpdate;
import io.certstream.model.Certificate;
import io.certstream.model.CertificateUpdate;
import io.certstream.model.UpdateType;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

class BridgeChannelsTest {
    private Vertx vertx;
    private BridgeChannels channels;
    private final List<String> received = new CopyOnWriteArrayList<>();
    private final List<Object> bodies = new CopyOnWriteArrayList<>();

    @BeforeEach
    void start() {
        vertx = Vertx.vertx();
        BridgeChannels.registerCodec(vertx.eventBus());
        BridgeChannels.registerCodec(vertx.eventBus()); // twice is fine: a hub redeployed on the same Vert.x
        channels = new BridgeChannels(vertx.eventBus());
    }

    @AfterEach
    void stop() {
        vertx.close();
    }

    @Test
    void addressGrammarIsTheOutboundPermission() {
        for (String ok : List.of("certstream.lite.all", "certstream.full.x509", "certstream.domains-only.precert",
                "certstream.lite.domain.example.com", "certstream.full.domain.xn--mnchen-3ya.de", "certstream.lite.domain.com")) {
            assertTrue(BridgeChannels.isChannel(ok), ok);
        }
        for (String no : List.of("certstream.lite", "certstream.updates", "certstream.lite.x509.extra",
                "certstream.lite.domain.", "certstream.lite.domain.Example.com", "certstream.lite.domain.*.example.com",
                "certstream.alerts.all", "certstream.lite.domain.a..b", "other.lite.all")) {
            assertFalse(BridgeChannels.isChannel(no), no);
        }
    }

    @Test
    void followersAreCountedAndForgotten() {
        channels.follow("certstream.lite.x509");
        channels.follow("certstream.lite.x509");
        channels.follow("certstream.lite");          // a public address: not a channel, not counted
        assertEquals(2, channels.followers("certstream.lite.x509"));
        assertEquals(0, channels.followers("certstream.lite"));
        channels.unfollow("certstream.lite.x509");
        channels.unfollow("certstream.lite.x509");
        channels.unfollow("certstream.lite.x509");  // one too many: stays at zero
        assertEquals(0, channels.followers("certstream.lite.x509"));
    }

    @Test
    void publishesOnlyOnFollowedChannelsThatMatch() throws Exception {
        for (String address : List.of("certstream.lite.precert", "certstream.lite.x509", "certstream.lite.domain.example.com",
                "certstream.lite.domain.shop.example.com", "certstream.lite.domain.other.org", "certstream.full.all")) {
            vertx.eventBus().consumer(address, m -> {
                received.add(address);
                bodies.add(m.body());
            });
        }
        channels.follow("certstream.lite.precert");
        channels.follow("certstream.lite.domain.example.com");
        channels.follow("certstream.lite.domain.shop.example.com");
        channels.follow("certstream.lite.domain.other.org");
        // certstream.lite.x509 and certstream.full.all are not followed by any bridge client: nothing goes there

        channels.publish(update(UpdateType.PrecertLogEntry, "*.Shop.Example.com", "shop.example.com", "www.example.com"));
        Thread.sleep(300);

        assertEquals(Set.of("certstream.lite.precert", "certstream.lite.domain.example.com",
                "certstream.lite.domain.shop.example.com"), Set.copyOf(received));
        assertEquals(3, received.size(), "one message per matching channel, not per matching domain: " + received);
        assertSame(bodies.get(0), bodies.get(1), "one shared body, delivered by reference");
        assertEquals(new JsonObject().put("message_type", "certificate_update"), new JsonObject(bodies.get(0).toString()));

        channels.unfollow("certstream.lite.precert");
        received.clear();
        channels.publish(update(UpdateType.PrecertLogEntry, "other.org"));
        Thread.sleep(300);
        assertEquals(List.of("certstream.lite.domain.other.org"), received);
    }

    /** An update whose only meaningful parts here are its type and domains; its messages are a tiny JSON text. */
    private static EncodedUpdate update(UpdateType type, String... domains) {
        Certificate leaf = certificate(List.of(domains));
        CertificateUpdate update = new CertificateUpdate(type, 1, "link", 0, 0, null, leaf, List.of());
        Buffer text = Buffer.buffer("{\"message_type\":\"certificate_update\"}");
        return new EncodedUpdate(update, text, text, text);
    }

    private static Certificate certificate(List<String> domains) {
        return new Certificate(null, null, Map.of(), 0, 0, "01", "", "", "", false, domains, new byte[0]);
    }
}
