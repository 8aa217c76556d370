package io.certstream.plugins.keyword;

import io.certstream.plugin.Alert;
import io.certstream.plugin.BusAddresses;
import io.certstream.plugin.PluginConfigException;
import io.certstream.plugins.testkit.Certificates;
import io.certstream.plugins.testkit.RunningPlugin;
import io.certstream.plugins.testkit.TestPluginContext;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

import static io.certstream.plugins.testkit.HttpReceiver.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class KeywordAlertPluginTest {
    private Vertx vertx;
    private final List<Alert> alerts = new CopyOnWriteArrayList<>();

    @BeforeEach
    void startVertx() {
        vertx = Vertx.vertx();
        Certificates.registerCodec(vertx);
        vertx.eventBus().<JsonObject>consumer(BusAddresses.ALERTS, m -> alerts.add(Alert.fromJson(m.body())));
    }

    @AfterEach
    void closeVertx() throws Exception {
        vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }

    private RunningPlugin start(JsonObject config) throws Exception {
        var context = new TestPluginContext(vertx, null, "keyword-alert#1", config, Path.of("unused"), Map.of());
        return RunningPlugin.start(new KeywordAlertFactory(), context)
                .toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }

    private static JsonObject rules(JsonObject... rules) {
        return new JsonObject().put("rules", new JsonArray(List.of((Object[]) rules)));
    }

    @Test
    void alertsForMatchingDomainsOnly() throws Exception {
        start(rules(
                new JsonObject().put("name", "exact").put("exact", new JsonArray().add("login.bank.example")),
                new JsonObject().put("name", "shop").put("suffix", new JsonArray().add("*.shop.example")),
                new JsonObject().put("name", "paypal").put("keyword", new JsonArray().add("paypal"))
                        .put("exclude", new JsonArray().add("paypal.com")),
                new JsonObject().put("name", "digits").put("regex", new JsonArray().add("^secure[0-9]+\\."))));

        Certificates.publish(vertx, Certificates.update(1, "www.unrelated.example", "unrelated.example"));
        Certificates.publish(vertx, Certificates.update(2, "login.bank.example"));
        Certificates.publish(vertx, Certificates.update(3, "bank.example"));                 // exact only: no alert
        Certificates.publish(vertx, Certificates.update(4, "shop.example"));                 // *.shop.example: subdomains only
        Certificates.publish(vertx, Certificates.update(5, "cdn.eu.shop.example"));
        Certificates.publish(vertx, Certificates.update(6, "www.paypal.com", "paypal.com"));   // the brand's own: excluded
        Certificates.publish(vertx, Certificates.update(7, "example.org", "paypal-verify.example.org"));
        Certificates.publish(vertx, Certificates.update(8, "secure42.example.net"));
        Certificates.publish(vertx, Certificates.update(9, "notsecure42.example.net"));
        Certificates.publish(vertx, Certificates.update(10, "last.example"));

        await("4 alerts", 5000, () -> alerts.size() >= 4);
        Thread.sleep(200);
        assertEquals(List.of("2 exact exact login.bank.example", "5 shop suffix cdn.eu.shop.example",
                        "7 paypal keyword paypal-verify.example.org", "8 digits regex secure42.example.net"),
                alerts.stream().map(a -> a.certificate().certIndex() + " " + a.rule() + " " + a.match() + " " + a.matchedDomain()).toList());
    }

    @Test
    void lookalikeRuleCatchesHomoglyphsAndPunycode() throws Exception {
        start(rules(new JsonObject().put("name", "brand").put("lookalike", new JsonArray().add("paypal"))
                .put("exclude", new JsonArray().add("paypal.com"))));

        Certificates.publish(vertx, Certificates.update(1, "paypa1-support.example"));       // digit one for l
        Certificates.publish(vertx, Certificates.update(2, "xn--pypal-4ve.example"));        // Cyrillic а: pаypal
        Certificates.publish(vertx, Certificates.update(3, "paypal.com"));                   // excluded
        Certificates.publish(vertx, Certificates.update(4, "paper.example"));
        Certificates.publish(vertx, Certificates.update(5, "end.example"));

        await("2 alerts", 5000, () -> alerts.size() >= 2);
        Thread.sleep(200);
        assertEquals(List.of("paypa1-support.example", "xn--pypal-4ve.example"),
                alerts.stream().map(Alert::matchedDomain).toList());
    }

    @Test
    void alertCarriesCertificateSummaryAndCrtShLink() throws Exception {
        start(rules(new JsonObject().put("name", "kw").put("keyword", new JsonArray().add("bank"))));
        var update = Certificates.update(77, "mybank.example", "www.mybank.example");
        Certificates.publish(vertx, update);

        await("an alert", 5000, () -> alerts.size() == 1);
        Alert alert = alerts.get(0);
        assertEquals("keyword-alert#1", alert.plugin());
        assertEquals(List.of("mybank.example", "www.mybank.example"), alert.certificate().allDomains());
        assertEquals("/C=US/O=Let's Encrypt/CN=R3", alert.certificate().issuer());
        assertEquals(Certificates.LOG.url(), alert.certificate().sourceUrl());
        assertEquals("https://crt.sh/?sha256=" + update.leaf().sha256().replace(":", ""), alert.certificate().crtShUrl());
        assertEquals("keyword-alert#1:kw:ct.test/sim2026/:77", alert.id());
    }

    @Test
    void badRegexNamesTheRuleAndKey() {
        var e = assertThrows(ExecutionException.class, () -> start(rules(
                new JsonObject().put("name", "ok").put("keyword", new JsonArray().add("x")),
                new JsonObject().put("name", "broken").put("regex", new JsonArray().add("a(b")))));
        var config = assertInstanceOf(PluginConfigException.class, e.getCause());
        assertEquals("rules[1].regex[0]", config.key());
        assertTrue(config.getMessage().startsWith("keyword-alert#1: rules[1].regex[0] is not a valid regular expression"), config.getMessage());
    }

    @Test
    void unknownKeyIsRejected() {
        var e = assertThrows(ExecutionException.class, () -> start(rules(
                new JsonObject().put("name", "typo").put("keywords", new JsonArray().add("x")))));
        assertEquals("rules[0].keywords", ((PluginConfigException) e.getCause()).key());
    }
}
