package io.certstream.hub.it;

import io.certstream.hub.sim.IssuedEntry;
import io.certstream.hub.sim.SimulatedLogOptions;
import io.certstream.hub.testing.Async;
import io.certstream.hub.testing.HubOnSimulatedLog;
import io.certstream.hub.testing.RunningHub;
import io.certstream.model.UpdateType;
import io.certstream.plugin.BusAddresses;
import io.vertx.core.Handler;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.WebSocketClientOptions;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.core.net.NetClient;
import io.vertx.core.net.NetClientOptions;
import io.vertx.core.net.NetSocket;
import io.vertx.core.parsetools.RecordParser;
import io.certstream.hub.testing.ExternalTools;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.LongStream;

import static io.certstream.hub.it.HubStreamsTest.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The event-bus bridges end to end: a simulated log, the hub, and real bridge clients (SockJS raw websocket
 * transport, and the TCP bridge's framing) checked against what the log issued and what the websockets carry.
 */
class EventBusBridgeTest {
    private static final Duration WAIT = Duration.ofSeconds(60);
    private static final int INITIAL = 3;
    private static final int ISSUED = 30;

    private final int tcpPort = RunningHub.freePort();
    @RegisterExtension
    final HubOnSimulatedLog fixture = HubOnSimulatedLog.of(SimulatedLogOptions.defaults()
                    .withInitialSize(INITIAL).withEntriesPerSecond(0).withPrecertRatio(0.5).withSeed(7))
            .config(log -> new JsonObject()
                    .put("server", new JsonObject().put("heartbeatSeconds", 1))
                    .put("bridge", new JsonObject().put("tcpPort", tcpPort))
                    .put("logs", new JsonArray().add(new JsonObject().put("url", log.url()).put("start", "head"))));

    @Test
    void bridgeBodiesAreTheWebsocketMessagesAsJsonObjects() throws Exception {
        StreamRecorder lite = await(StreamRecorder.connect(fixture.vertx(), fixture.port(), "/"));
        StreamRecorder full = await(StreamRecorder.connect(fixture.vertx(), fixture.port(), "/full-stream"));
        StreamRecorder domains = await(StreamRecorder.connect(fixture.vertx(), fixture.port(), "/domains-only"));
        BridgeRecorder bridge = await(BridgeRecorder.connect(fixture.vertx(), fixture.port()));
        for (String address : List.of(BusAddresses.LITE, BusAddresses.FULL, BusAddresses.DOMAINS_ONLY,
                BusAddresses.HEARTBEAT, BusAddresses.ALERTS)) {
            await(bridge.register(address));
        }
        bridge.sync(WAIT);
        JsonObject alert = new JsonObject().put("rule", "brand").put("domain", "login-example.com");
        fixture.vertx().eventBus().publish(BusAddresses.ALERTS, alert);

        await(fixture.log().append(ISSUED));

        bridge.await(b -> b.bodies(BusAddresses.LITE).size() >= ISSUED && b.bodies(BusAddresses.FULL).size() >= ISSUED
                && b.bodies(BusAddresses.DOMAINS_ONLY).size() >= ISSUED, WAIT);
        lite.await(m -> updates(m).size() >= ISSUED, WAIT);
        full.await(m -> updates(m).size() >= ISSUED, WAIT);
        domains.await(m -> m.stream().filter(x -> "dns_entries".equals(x.getString("message_type"))).count() >= ISSUED, WAIT);

        assertEquals(updates(lite.messages()), objects(bridge.bodies(BusAddresses.LITE)),
                "certstream.lite bodies are the / websocket messages, as JSON objects");
        assertEquals(updates(full.messages()), objects(bridge.bodies(BusAddresses.FULL)),
                "certstream.full bodies are the /full-stream websocket messages");
        assertEquals(domains.messages("dns_entries"), objects(bridge.bodies(BusAddresses.DOMAINS_ONLY)),
                "certstream.domains-only bodies are the /domains-only websocket messages");
        for (int i = 0; i < ISSUED; i++) {
            JsonObject data = ((JsonObject) bridge.bodies(BusAddresses.LITE).get(i)).getJsonObject("data");
            IssuedEntry issued = fixture.log().entry(data.getLong("cert_index"));
            assertEquals(new JsonArray(issued.domains()), data.getJsonObject("leaf_cert").getJsonArray("all_domains"));
            // The same cursor as on the websockets: a bridge client can resume a websocket with it.
            assertEquals(((JsonObject) bridge.bodies(BusAddresses.LITE).get(i)).getString("cursor"),
                    ((JsonObject) bridge.bodies(BusAddresses.DOMAINS_ONLY).get(i)).getString("cursor"));
            assertTrue(((JsonObject) bridge.bodies(BusAddresses.LITE).get(i)).getString("cursor").endsWith("-" + issued.index()));
        }
        bridge.await(b -> !b.bodies(BusAddresses.HEARTBEAT).isEmpty(), WAIT);
        JsonObject heartbeat = assertInstanceOf(JsonObject.class, bridge.bodies(BusAddresses.HEARTBEAT).get(0));
        assertEquals("heartbeat", heartbeat.getString("message_type"));
        assertTrue(heartbeat.getLong("timestamp") > 1_600_000_000L, heartbeat.encode());
        assertEquals(List.of(alert), bridge.bodies(BusAddresses.ALERTS), "plugin alerts reach bridge clients");
        assertEquals(1, fixture.hub().metrics().clients("eventbus"), "the bridge client is counted in /stats");
        bridge.close();
    }

    @Test
    void channelsCarryOnlyTheCertificatesTheyName() throws Exception {
        List<String> tlds = List.of("com", "net", "org", "dev", "co.uk");
        BridgeRecorder bridge = await(BridgeRecorder.connect(fixture.vertx(), fixture.port()));
        List<String> addresses = new ArrayList<>(List.of("certstream.lite.x509", "certstream.lite.precert",
                "certstream.full.all", "certstream.full.precert", "certstream.domains-only.all"));
        tlds.forEach(tld -> addresses.add("certstream.lite.domain." + tld));
        for (String address : addresses) {
            await(bridge.register(address));
        }
        StreamRecorder full = await(StreamRecorder.connect(fixture.vertx(), fixture.port(), "/full-stream"));
        bridge.sync(WAIT);

        await(fixture.log().append(ISSUED));
        bridge.await(b -> b.bodies("certstream.full.all").size() >= ISSUED
                && b.bodies("certstream.domains-only.all").size() >= ISSUED
                && b.bodies("certstream.lite.x509").size() + b.bodies("certstream.lite.precert").size() >= ISSUED, WAIT);
        full.await(m -> updates(m).size() >= ISSUED, WAIT);
        bridge.sync(WAIT);

        assertEquals(updates(full.messages()), objects(bridge.bodies("certstream.full.all")));
        Map<String, List<Long>> expected = new TreeMap<>();
        for (long index = INITIAL; index < INITIAL + ISSUED; index++) {
            IssuedEntry e = fixture.log().entry(index);
            String type = e.type() == UpdateType.X509LogEntry ? "x509" : "precert";
            expected.computeIfAbsent("certstream.lite." + type, k -> new ArrayList<>()).add(index);
            if (type.equals("precert")) {
                expected.computeIfAbsent("certstream.full.precert", k -> new ArrayList<>()).add(index);
            }
            for (String tld : tlds) {
                if (e.domains().stream().anyMatch(d -> under(d, tld))) {
                    expected.computeIfAbsent("certstream.lite.domain." + tld, k -> new ArrayList<>()).add(index);
                }
            }
        }
        assertTrue(expected.containsKey("certstream.lite.x509") && expected.containsKey("certstream.lite.precert"),
                "the simulated log issued both kinds: " + expected.keySet());
        assertTrue(expected.keySet().stream().filter(k -> k.contains(".domain.")).count() >= 2,
                "several domain channels have certificates: " + expected.keySet());
        for (String address : addresses) {
            if (address.endsWith(".all")) {
                continue;
            }
            List<Long> got = objects(bridge.bodies(address)).stream()
                    .map(m -> m.getJsonObject("data").getLong("cert_index")).toList();
            assertEquals(expected.getOrDefault(address, List.of()), got, address);
        }
        assertTrue(objects(bridge.bodies("certstream.full.precert")).stream()
                .allMatch(m -> m.getJsonObject("data").containsKey("chain")), "full channels carry full messages");

        // Unregistering stops the flow for that channel only.
        await(bridge.write(new JsonObject().put("type", "unregister").put("address", "certstream.lite.x509")));
        bridge.sync(WAIT);
        int x509Before = bridge.bodies("certstream.lite.x509").size();
        await(fixture.log().append(6));
        bridge.await(b -> b.bodies("certstream.full.all").size() >= ISSUED + 6, WAIT);
        assertEquals(x509Before, bridge.bodies("certstream.lite.x509").size(), "no more x509 messages after unregister");
    }

    @Test
    void clientCannotPublishOrSendIntoTheHub() throws Exception {
        List<Object> delivered = new CopyOnWriteArrayList<>();
        for (String address : List.of(BusAddresses.LITE, BusAddresses.FULL, BusAddresses.UPDATES, BusAddresses.ALERTS,
                BusAddresses.HEARTBEAT, "certstream.lite.all")) {
            // The hub's own heartbeats flow meanwhile: only what a bridge client sent counts.
            fixture.vertx().eventBus().consumer(address, m -> {
                if (String.valueOf(m.body()).contains("evil.example")) {
                    delivered.add(address + " <- " + m.body());
                }
            });
        }
        BridgeRecorder bridge = await(BridgeRecorder.connect(fixture.vertx(), fixture.port()));
        JsonObject forged = new JsonObject().put("message_type", "certificate_update")
                .put("data", new JsonObject().put("leaf_cert", new JsonObject().put("all_domains", new JsonArray().add("evil.example"))));
        await(bridge.write(new JsonObject().put("type", "publish").put("address", BusAddresses.LITE).put("body", forged)));
        await(bridge.write(new JsonObject().put("type", "send").put("address", BusAddresses.UPDATES).put("body", forged)));
        await(bridge.write(new JsonObject().put("type", "publish").put("address", BusAddresses.ALERTS).put("body", forged)));
        await(bridge.write(new JsonObject().put("type", "send").put("address", "certstream.lite.all").put("body", forged)
                .put("replyAddress", "0123456789")));
        await(bridge.write(new JsonObject().put("type", "publish").put("address", BusAddresses.HEARTBEAT).put("body", forged)));
        bridge.await(b -> b.errors().size() >= 5, WAIT);
        bridge.sync(WAIT);

        for (JsonObject error : bridge.errors()) {
            assertEquals("access_denied", error.getString("body"), "the bridge refuses: " + error);
        }
        assertEquals(List.of(), delivered, "nothing a bridge client sent reached the bus");
        bridge.close();
    }

    @Test
    void aBridgeClientThatStopsReadingIsSkippedThenClosedWhileOthersGetEverything() throws Exception {
        // Its own Vert.x: a second hub on the same bus would publish every certificate twice.
        Vertx other = Vertx.vertx();
        try {
            slowClientIsSkippedThenClosed(other);
        } finally {
            await(other.close());
        }
    }

    private void slowClientIsSkippedThenClosed(Vertx other) throws Exception {
        RunningHub small = await(RunningHub.start(other, new JsonObject()
                .put("server", new JsonObject().put("clientQueueBytes", 65536).put("slowClientSeconds", 1))
                .put("logs", new JsonArray().add(new JsonObject().put("url", fixture.log().url()).put("start", "head")))));
        Async.waitFor(WAIT, "the watcher to reach the head of the log",
                () -> small.metrics().logs().containsKey(fixture.log().url()) && small.metrics().logs().get(fixture.log().url()).nextIndex() == INITIAL);
        BridgeRecorder fast = await(BridgeRecorder.connect(other, small.port()));
        // A tiny receive buffer, and then no reading at all: the hub's writes to it back up quickly.
        BridgeRecorder slow = await(BridgeRecorder.connect(other, small.port(),
                new WebSocketClientOptions().setReceiveBufferSize(4096)));
        await(fast.register(BusAddresses.FULL));
        // Several copies of every certificate for the stalled client: its backlog grows faster than the log does.
        for (String address : List.of(BusAddresses.FULL, "certstream.full.all", "certstream.full.x509",
                "certstream.full.precert", BusAddresses.LITE, "certstream.lite.all")) {
            await(slow.register(address));
        }
        slow.sync(WAIT);
        fast.sync(WAIT);
        slow.socket().pause();

        int issued = 0;
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (slowDisconnects(small) == 0) {
            assertTrue(System.nanoTime() < deadline, "the stalled bridge client was not closed; stats: " + small.metrics().toJson());
            await(fixture.log().append(20));
            issued += 20;
            int expected = issued;
            fast.await(b -> b.bodies(BusAddresses.FULL).size() >= expected, WAIT);
        }

        List<Long> indexes = objects(fast.bodies(BusAddresses.FULL)).stream()
                .map(m -> m.getJsonObject("data").getLong("cert_index")).toList();
        assertEquals(LongStream.range(INITIAL, INITIAL + issued).boxed().toList(), indexes,
                "the reading client got every certificate, in order");
        assertTrue(small.metrics().dropped("eventbus") > 0, "messages skipped for the stalled client are counted");
        Async.waitFor(WAIT, "the hub to close the stalled bridge client", () -> small.metrics().clients("eventbus") == 1);
    }

    @Test
    void aTcpBridgeClientThatStopsReadingIsDisconnected() throws Exception {
        Vertx other = Vertx.vertx();
        try {
            int port = RunningHub.freePort();
            RunningHub small = await(RunningHub.start(other, new JsonObject()
                    .put("server", new JsonObject().put("clientQueueBytes", 65536))
                    .put("bridge", new JsonObject().put("tcpPort", port))
                    .put("logs", new JsonArray().add(new JsonObject().put("url", fixture.log().url()).put("start", "head")))));
            Async.waitFor(WAIT, "the watcher to reach the head of the log", () -> small.metrics().logs().containsKey(fixture.log().url())
                    && small.metrics().logs().get(fixture.log().url()).nextIndex() == fixture.log().size());
            // Keep the client referenced: Vert.x closes the connections of a NetClient that is garbage collected.
            NetClient client = other.createNetClient(new NetClientOptions().setReceiveBufferSize(4096));
            NetSocket socket = await(client.connect(port, "127.0.0.1"));
            AtomicInteger closed = new AtomicInteger();
            socket.closeHandler(v -> closed.incrementAndGet());
            socket.handler(ignored -> { });
            socket.pause();
            for (String address : List.of("certstream.full.all", "certstream.full.x509", "certstream.full.precert",
                    "certstream.lite.all")) {
                await(socket.write(frame(new JsonObject().put("type", "register").put("address", address))));
            }
            Async.waitFor(WAIT, "the hub to register the TCP client", () -> small.metrics().clients("tcp-bridge") == 1);
            long deadline = System.nanoTime() + WAIT.toNanos();
            while (slowDisconnects(small, "tcp-bridge") == 0) {
                assertTrue(System.nanoTime() < deadline, "the stalled TCP client was not dropped: " + small.metrics().toJson());
                await(fixture.log().append(10));
            }
            Async.waitFor(WAIT, "the hub to close the stalled client's connection", () -> small.metrics().clients("tcp-bridge") == 0);
            socket.resume();   // a paused socket may hold back its close event
            Async.waitFor(WAIT, "the stalled client to see its connection closed", () -> closed.get() == 1);
            await(client.close());
        } finally {
            await(other.close());
        }
    }

    private static long slowDisconnects(RunningHub target) {
        return slowDisconnects(target, "eventbus");
    }

    private static long slowDisconnects(RunningHub target, String label) {
        JsonObject endpoint = target.metrics().toJson().getJsonObject("endpoints").getJsonObject(label);
        return endpoint == null ? 0 : endpoint.getLong("disconnected_slow");
    }

    @Test
    void tcpBridgeDeliversJsonAndRefusesPublishing() throws Exception {
        List<JsonObject> frames = new CopyOnWriteArrayList<>();
        NetClient client = fixture.vertx().createNetClient();   // referenced until the end: see below
        NetSocket socket = await(client.connect(tcpPort, "127.0.0.1"));
        // Vert.x TCP bridge framing: a 4-byte big-endian length, then that many bytes of JSON.
        RecordParser parser = RecordParser.newFixed(4);
        parser.handler(new Handler<>() {
            private boolean header = true;

            @Override
            public void handle(Buffer chunk) {
                if (header) {
                    parser.fixedSizeMode(chunk.getInt(0));
                } else {
                    frames.add(new JsonObject(chunk));
                    parser.fixedSizeMode(4);
                }
                header = !header;
            }
        });
        socket.handler(parser);
        await(socket.write(frame(new JsonObject().put("type", "register").put("address", "certstream.lite.all"))));
        await(socket.write(frame(new JsonObject().put("type", "register").put("address", BusAddresses.LITE))));
        await(socket.write(frame(new JsonObject().put("type", "publish").put("address", BusAddresses.LITE)
                .put("body", new JsonObject().put("forged", true)))));
        Async.waitFor(WAIT, "2 err frames", () -> frames.stream().filter(f -> "err".equals(f.getString("type"))).count() >= 2);

        await(fixture.log().append(5));
        Async.waitFor(WAIT, "5 message frames",
                () -> frames.stream().filter(f -> "message".equals(f.getString("type"))).count() >= 5);

        List<JsonObject> errors = frames.stream().filter(f -> "err".equals(f.getString("type"))).toList();
        assertEquals(2, errors.size(), "register to a Buffer address and publish are both refused: " + errors);
        errors.forEach(e -> assertEquals("access_denied", e.getString("message"), e.encode()));
        List<JsonObject> messages = frames.stream().filter(f -> "message".equals(f.getString("type"))).toList();
        for (int i = 0; i < 5; i++) {
            assertEquals("certstream.lite.all", messages.get(i).getString("address"));
            JsonObject data = assertInstanceOf(JsonObject.class, messages.get(i).getValue("body")).getJsonObject("data");
            assertEquals(INITIAL + i, data.getLong("cert_index"));
            assertEquals(new JsonArray(fixture.log().entry(INITIAL + i).domains()), data.getJsonObject("leaf_cert").getJsonArray("all_domains"));
            assertFalse(data.getJsonObject("leaf_cert").containsKey("as_der"), "lite messages");
        }
        assertEquals(1, fixture.hub().metrics().clients("tcp-bridge"));
        await(socket.close());
        await(client.close());
    }

    @Test
    void pythonExampleFollowsAChannelOverTheTcpBridge() throws Exception {
        ExternalTools.require(ExternalTools.onPath("python3"), "python3 is needed for examples/python-tcp (apt-get install python3)");
        Path out = Path.of("target", "python-tcp.stdout.log");
        Files.createDirectories(out.getParent());
        // As examples/python-tcp/README.md says, from the repository root.
        Process python = new ProcessBuilder("python3", "examples/python-tcp/follow.py", "127.0.0.1", String.valueOf(tcpPort),
                "certstream.lite.precert", "4").directory(ExternalTools.projectRoot().toFile())
                .redirectOutput(out.toFile()).redirectError(Path.of("target", "python-tcp.stderr.log").toFile()).start();
        try {
            long deadline = System.nanoTime() + WAIT.toNanos();
            // It joins when it is ready: keep the log growing until it has printed its 4 precertificates.
            while (!python.waitFor(700, TimeUnit.MILLISECONDS)) {
                assertTrue(System.nanoTime() < deadline, "follow.py did not finish");
                await(fixture.log().append(3));
            }
            assertEquals(0, python.exitValue(), Files.readString(Path.of("target", "python-tcp.stderr.log")));
        } finally {
            python.destroyForcibly();
        }
        List<String> lines = Files.readAllLines(out);
        assertEquals(4, lines.size(), lines.toString());
        for (String line : lines) {
            Matcher m = Pattern.compile("^(.+) #(\\d+): (.*)$").matcher(line);
            assertTrue(m.matches(), line);
            IssuedEntry issued = fixture.log().entry(Long.parseLong(m.group(2)));
            assertEquals(UpdateType.PrecertLogEntry, issued.type(), "only precertificates on certstream.lite.precert: " + line);
            assertEquals(String.join(", ", issued.domains()), m.group(3));
            assertEquals(fixture.log().url(), m.group(1));
        }
    }

    /** Without a TCP bridge to talk to, the example says what to do and exits 1: no traceback. */
    @Test
    void pythonExampleSaysWhatToDoWhenNoBridgeListens() throws Exception {
        ExternalTools.require(ExternalTools.onPath("python3"), "python3 is needed for examples/python-tcp (apt-get install python3)");
        int closed = io.certstream.hub.testing.RunningHub.freePort();
        Process python = new ProcessBuilder("python3", "examples/python-tcp/follow.py", "127.0.0.1", String.valueOf(closed))
                .directory(ExternalTools.projectRoot().toFile()).redirectErrorStream(true).start();
        String output = new String(python.getInputStream().readAllBytes());
        assertTrue(python.waitFor(30, TimeUnit.SECONDS));
        assertEquals(1, python.exitValue(), output);
        assertTrue(output.contains("cannot connect to the hub's TCP event-bus bridge at 127.0.0.1:" + closed)
                && output.contains("CERTSTREAM_BRIDGE_TCPPORT=" + closed), output);
        assertFalse(output.contains("Traceback"), output);
    }

    private static Buffer frame(JsonObject message) {
        Buffer json = message.toBuffer();
        return Buffer.buffer().appendInt(json.length()).appendBuffer(json);
    }

    private static boolean under(String domain, String suffix) {
        String name = domain.toLowerCase(Locale.ROOT);
        name = name.startsWith("*.") ? name.substring(2) : name;
        return name.equals(suffix) || name.endsWith("." + suffix);
    }

    private static List<JsonObject> updates(List<JsonObject> messages) {
        return messages.stream().filter(m -> "certificate_update".equals(m.getString("message_type"))).toList();
    }

    private static List<JsonObject> objects(List<Object> bodies) {
        AtomicInteger i = new AtomicInteger();
        return bodies.stream().map(b -> assertInstanceOf(JsonObject.class, b, "body " + i.getAndIncrement() + " is a JSON object"))
                .toList();
    }
}
