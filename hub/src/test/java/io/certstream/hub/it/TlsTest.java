package io.certstream.hub.it;

import io.certstream.hub.config.ConfigException;
import io.certstream.hub.config.ConfigLoader;
import io.certstream.hub.testing.Async;
import io.certstream.hub.testing.RunningHub;
import io.certstream.hub.testing.TestCertificates;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManager;
import javax.net.ssl.X509TrustManager;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code server.tls}: https and wss with a certificate made in the test, a certificate renewed on disk while a
 * client stays connected, and bad files named at start-up.
 */
class TlsTest {
    @TempDir
    Path dir;
    private Vertx vertx;

    @BeforeEach
    void start() {
        vertx = Vertx.vertx();
    }

    @AfterEach
    void stop() throws Exception {
        Async.await(vertx.close());
    }

    private JsonObject tls(Path cert, Path key) {
        return new JsonObject().put("server", new JsonObject().put("heartbeatSeconds", 1)
                .put("tls", new JsonObject().put("certFile", cert.toString()).put("keyFile", key.toString()).put("reloadSeconds", 1)));
    }

    @Test
    void wssServesTheCertificateAndTakesARenewedOneWhileClientsStay() throws Exception {
        Path cert = dir.resolve("cert.pem");
        Path key = dir.resolve("key.pem");
        X509Certificate first = TestCertificates.write("hub-first", cert, key);
        RunningHub hub = Async.await(RunningHub.start(vertx, tls(cert, key)));

        try (SSLSocket connected = wss(hub.port(), "/full-stream")) {
            assertEquals(first, connected.getSession().getPeerCertificates()[0]);
            assertTrue(heartbeatArrives(connected.getInputStream()), "a heartbeat over wss");

            X509Certificate renewed = TestCertificates.write("hub-renewed", cert, key);
            Async.waitFor(Duration.ofSeconds(10), "the renewed certificate to be loaded",
                    () -> hub.metrics().access().tlsReloads() >= 1);
            try (SSLSocket fresh = wss(hub.port(), "/")) {
                assertEquals(renewed, fresh.getSession().getPeerCertificates()[0], "a new client gets the renewed certificate");
            }
            // The client connected before the renewal is still served on its old session.
            assertTrue(heartbeatArrives(connected.getInputStream()), "the earlier client still gets heartbeats");
            assertEquals(first, connected.getSession().getPeerCertificates()[0]);
        }
    }

    @Test
    void aBrokenRenewalKeepsTheCertificateInUse() throws Exception {
        Path cert = dir.resolve("cert.pem");
        Path key = dir.resolve("key.pem");
        X509Certificate first = TestCertificates.write("hub-first", cert, key);
        RunningHub hub = Async.await(RunningHub.start(vertx, tls(cert, key)));
        Files.writeString(cert, "-----BEGIN CERTIFICATE-----\nnot base64\n-----END CERTIFICATE-----\n");
        Async.waitFor(Duration.ofSeconds(10), "the bad renewal to be noticed",
                () -> hub.metrics().toJson().getJsonObject("access").getLong("tls_reload_failures") >= 1);
        try (SSLSocket fresh = wss(hub.port(), "/")) {
            assertEquals(first, fresh.getSession().getPeerCertificates()[0]);
        }
    }

    @Test
    void badFilesAreNamedAtStartUp() throws Exception {
        Path cert = dir.resolve("cert.pem");
        Path key = dir.resolve("key.pem");
        TestCertificates.write("hub", cert, key);
        Path otherCert = dir.resolve("other.pem");
        TestCertificates.write("other", otherCert, dir.resolve("other-key.pem"));
        Path garbage = dir.resolve("garbage.pem");
        Files.writeString(garbage, "hello");

        ConfigException notPem = assertThrows(ConfigException.class, () -> load(garbage, key));
        assertTrue(notPem.getMessage().contains("server.tls.certFile") && notPem.getMessage().contains(garbage.toString()), notPem.getMessage());
        ConfigException badKey = assertThrows(ConfigException.class, () -> load(cert, garbage));
        assertTrue(badKey.getMessage().contains("server.tls.keyFile") && badKey.getMessage().contains(garbage.toString()), badKey.getMessage());
        ConfigException mismatch = assertThrows(ConfigException.class, () -> load(otherCert, key));
        assertTrue(mismatch.getMessage().contains("is not the private key"), mismatch.getMessage());
        ConfigException missing = assertThrows(ConfigException.class, () -> load(dir.resolve("nope.pem"), key));
        assertTrue(missing.getMessage().contains("nope.pem"), missing.getMessage());
    }

    private void load(Path cert, Path key) {
        ConfigLoader.load(null, Map.of(), tls(cert, key), "test");
    }

    /** A wss upgrade over a socket that trusts any certificate (the test checks which one it got). */
    static SSLSocket wss(int port, String path) throws Exception {
        SSLContext context = SSLContext.getInstance("TLS");
        context.init(null, new TrustManager[]{new X509TrustManager() {
            public void checkClientTrusted(X509Certificate[] chain, String authType) {
            }

            public void checkServerTrusted(X509Certificate[] chain, String authType) {
            }

            public X509Certificate[] getAcceptedIssuers() {
                return new X509Certificate[0];
            }
        }}, null);
        SSLSocket socket = (SSLSocket) context.getSocketFactory().createSocket("127.0.0.1", port);
        socket.setSoTimeout(10_000);
        socket.startHandshake();
        socket.getOutputStream().write(("GET " + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                + "Sec-WebSocket-Version: 13\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
        byte[] head = new byte[12];
        int read = socket.getInputStream().readNBytes(head, 0, 12);
        assertEquals("HTTP/1.1 101", new String(head, 0, read, StandardCharsets.US_ASCII));
        return socket;
    }

    /** Reads until a text frame carrying a heartbeat shows up (within the socket's timeout). */
    private static boolean heartbeatArrives(InputStream in) throws Exception {
        StringBuilder seen = new StringBuilder();
        long deadline = System.nanoTime() + 10_000_000_000L;
        while (System.nanoTime() < deadline) {
            int b = in.read();
            if (b < 0) {
                return false;
            }
            seen.append((char) b);
            if (seen.indexOf("\"heartbeat\"") >= 0) {
                return true;
            }
        }
        return false;
    }
}
