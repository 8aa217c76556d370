package io.certstream.hub.web;

import io.certstream.hub.config.AccessConfig.TlsConfig;
import io.certstream.hub.config.ConfigException;
import io.certstream.hub.config.PemFiles;
import io.certstream.hub.metrics.AccessMetrics;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServer;
import io.vertx.core.net.PemKeyCertOptions;
import io.vertx.core.net.ServerSSLOptions;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.logging.Logger;

/**
 * The hub's TLS certificate and key ({@code server.tls.certFile}, {@code server.tls.keyFile}, PEM). Certificates are
 * renewed every few weeks: every {@code server.tls.reloadSeconds} the files are looked at, and once they changed (and
 * still form a valid pair) the server takes them for new connections; connected clients keep theirs. A change that
 * does not check out (half-written, wrong key) is logged, counted, and the certificate in use stays.
 */
public final class TlsFiles {
    private static final Logger LOG = Logger.getLogger(TlsFiles.class.getName());

    private final TlsConfig config;
    /** Every web verticle instance's server: each takes the renewed certificate. */
    private final java.util.List<HttpServer> servers = new java.util.concurrent.CopyOnWriteArrayList<>();
    private String seen;

    public TlsFiles(TlsConfig config) {
        this.config = config;
        this.seen = stamp();
    }

    /** The files' contents as Vert.x key/cert options (read now: what was checked is what is served). */
    public PemKeyCertOptions keyCert() {
        try {
            return new PemKeyCertOptions()
                    .setCertValue(Buffer.buffer(Files.readAllBytes(config.certFile())))
                    .setKeyValue(Buffer.buffer(Files.readAllBytes(config.keyFile())));
        } catch (IOException e) {
            throw new ConfigException("server.tls: cannot read " + e.getMessage());
        }
    }

    /** A server to give renewed certificates to. */
    public void serve(HttpServer server) {
        servers.add(server);
    }

    /** Checks the files every {@code reloadSeconds} and gives the servers new ones once they changed; one watcher per hub. */
    public void watch(Vertx vertx, AccessMetrics metrics) {
        vertx.setPeriodic(config.reloadSeconds() * 1000L, t -> {
            String now = stamp();
            if (now.equals(seen)) {
                return;
            }
            vertx.executeBlocking(() -> {
                PemFiles.check(config.certFile(), config.keyFile(), "server.tls.certFile", "server.tls.keyFile");
                return keyCert();
            }).compose(keyCert -> io.vertx.core.Future.all(servers.stream()
                            .map(server -> server.updateSSLOptions(new ServerSSLOptions().setKeyCertOptions(keyCert), true))
                            .toList()))
                    .onSuccess(updated -> {
                        seen = now;
                        metrics.tlsReloaded();
                        LOG.info(() -> "TLS certificate reloaded from " + config.certFile() + " (connected clients keep theirs)");
                    })
                    .onFailure(e -> {
                        // Tried again at the next check only if the files change again: no log line every second.
                        seen = now;
                        metrics.tlsReloadFailed();
                        LOG.warning(() -> "TLS files changed but cannot be used: " + e.getMessage()
                                + "; still serving the previous certificate");
                    });
        });
    }

    /** Modification time and size of both files: a renewal changes at least one. */
    private String stamp() {
        return stamp(config.certFile()) + "|" + stamp(config.keyFile());
    }

    private static String stamp(Path file) {
        try {
            return Files.getLastModifiedTime(file).toMillis() + ":" + Files.size(file);
        } catch (IOException e) {
            return "missing";
        }
    }
}
