package io.certstream.client.testing;

import static org.junit.jupiter.api.Assertions.assertInstanceOf;

import io.certstream.client.CertStreamListener;
import io.certstream.client.CertStreamMessage;
import io.certstream.client.CertificateMessage;
import io.certstream.client.ConnectionEvent;
import io.certstream.client.DomainsMessage;
import io.certstream.client.GapMessage;
import io.certstream.client.HeartbeatMessage;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/** A listener that records every callback, for tests to wait on and look at. */
public final class Recorder implements CertStreamListener {
    public final List<CertStreamMessage> certificates = new CopyOnWriteArrayList<>();
    public final List<DomainsMessage> domains = new CopyOnWriteArrayList<>();
    public final List<HeartbeatMessage> heartbeats = new CopyOnWriteArrayList<>();
    public final List<GapMessage> gaps = new CopyOnWriteArrayList<>();
    public final List<ConnectionEvent> events = new CopyOnWriteArrayList<>();
    public final List<String> malformed = new CopyOnWriteArrayList<>();

    @Override
    public void onCertificate(CertificateMessage message) {
        certificates.add(message);
    }

    @Override
    public void onDomains(DomainsMessage message) {
        domains.add(message);
    }

    @Override
    public void onHeartbeat(HeartbeatMessage message) {
        heartbeats.add(message);
    }

    @Override
    public void onGap(GapMessage gap) {
        gaps.add(gap);
    }

    @Override
    public void onConnectionEvent(ConnectionEvent event) {
        events.add(event);
    }

    @Override
    public void onMalformedMessage(String rawJson, IllegalArgumentException error) {
        malformed.add(rawJson);
    }

    public List<CertificateMessage> certificates() {
        return certificates.stream().map(m -> assertInstanceOf(CertificateMessage.class, m)).toList();
    }

    public long connected() {
        return events.stream().filter(e -> e.state() == ConnectionEvent.State.CONNECTED).count();
    }

    public List<ConnectionEvent> disconnected() {
        return events.stream().filter(e -> e.state() == ConnectionEvent.State.DISCONNECTED).toList();
    }
}
