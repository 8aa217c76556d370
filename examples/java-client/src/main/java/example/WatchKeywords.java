package example;

import io.certstream.client.CertStreamClient;
import io.certstream.client.CertStreamListener;
import io.certstream.client.CertStreamOptions;
import io.certstream.client.CertificateMessage;
import io.certstream.client.ConnectionEvent;
import io.certstream.client.LeafCert;
import io.vertx.core.Vertx;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;

/**
 * Watches a CertStream server for certificates whose domains contain one of the keywords given on the
 * command line, the classic phishing hunt, and prints who issued each one.
 *
 * <pre>
 * java -cp client/target/certstream-client.jar examples/java-client/src/main/java/example/WatchKeywords.java paypal bank
 * </pre>
 *
 * The server is {@code CERTSTREAM_URL} or the local hub ({@code ws://localhost:8080/}).
 */
public final class WatchKeywords {

    public static void main(String[] args) {
        List<String> keywords = args.length > 0
                ? List.of(args).stream().map(k -> k.toLowerCase(Locale.ROOT)).toList()
                : List.of("login", "secure", "account");
        String url = System.getenv().getOrDefault("CERTSTREAM_URL", CertStreamOptions.DEFAULT_URL);

        Vertx vertx = Vertx.vertx();
        CertStreamClient client = CertStreamClient.create(vertx, CertStreamOptions.defaults().withUrl(url));
        client.listener(new CertStreamListener() {
            @Override
            public void onCertificate(CertificateMessage message) {
                LeafCert leaf = message.data().leafCert();
                for (String domain : message.data().allDomains()) {
                    String lower = domain.toLowerCase(Locale.ROOT);
                    if (keywords.stream().anyMatch(lower::contains)) {
                        String issuer = leaf.issuer() == null ? "?" : leaf.issuer().organization();
                        System.out.printf("%s %s (issuer: %s, log: %s)%n", Instant.now(), domain, issuer,
                                message.data().source().name());
                    }
                }
            }

            @Override
            public void onConnectionEvent(ConnectionEvent event) {
                System.err.println(event.describe());
            }
        });
        // Ctrl-C: close the websocket politely; the JVM exits when this hook returns, so wait for the close.
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            try {
                client.close().eventually(vertx::close).toCompletionStage().toCompletableFuture().get(5, TimeUnit.SECONDS);
            } catch (Exception e) {
                System.err.println("could not close the connection cleanly: " + e);
            }
        }));
        System.err.println("watching " + client.endpoint() + " for " + keywords);
        client.start();
    }
}
