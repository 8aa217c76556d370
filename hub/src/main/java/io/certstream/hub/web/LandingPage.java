package io.certstream.hub.web;

import io.certstream.hub.wire.StreamType;

/** What a browser sees at a stream's URL: how to connect, and where the other resources are. */
final class LandingPage {
    private LandingPage() {
    }

    static String html(StreamType channel) {
        return """
                <!doctype html>
                <html><head><meta charset="utf-8"><title>CertStream hub</title>
                <style>body{font-family:system-ui,sans-serif;max-width:46rem;margin:3rem auto;line-height:1.5}
                code{background:#f3f3f3;padding:0 .3em}</style></head>
                <body><h1>CertStream hub</h1>
                <p>This is the <b>%s</b> stream. Connect a websocket to this URL to receive one JSON message per
                certificate as CT logs publish it.</p>
                <ul>
                <li><code>ws://HOST/</code>: lite messages (no DER, no chain)</li>
                <li><code>ws://HOST/full-stream</code>: full messages with <code>as_der</code> and <code>chain</code></li>
                <li><code>ws://HOST/domains-only</code>: <code>{"message_type":"dns_entries","data":[...]}</code></li>
                <li><a href="/example.json">/example.json</a>, <a href="/latest.json">/latest.json</a>,
                <a href="/stats">/stats</a></li>
                </ul></body></html>
                """.formatted(channel.label());
    }
}
