package io.certstream.hub.plugin;

import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.ConnectException;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import java.util.logging.SimpleFormatter;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The hub hides a plugin's secrets ({@code PluginFactory.secretKeys()}, environment values) in what it logs. */
class SecretMaskTest {
    private static final String HOOK = "https://hooks.slack.com/services/T000/B000/s3cretT0ken";

    @Test
    void masksTheValuesOfSecretKeysAndAUrlsPathAndQuery() {
        SecretMask mask = SecretMask.of(Set.of("webhookUrl", "secret", "headers", "absent"), new JsonObject()
                .put("webhookUrl", HOOK + "?token=abcdef").put("secret", "hmac-key").put("timeoutMillis", 200)
                .put("headers", new JsonObject().put("Authorization", "Bearer xyz123")));
        assertEquals("POST <secret webhookUrl> failed", mask.mask("POST " + HOOK + "?token=abcdef failed"));
        // Vert.x quotes only the path in a timeout: the token is in it.
        assertEquals("The timeout period of 200ms has been exceeded while executing POST <secret webhookUrl path> for server",
                mask.mask("The timeout period of 200ms has been exceeded while executing POST /services/T000/B000/s3cretT0ken for server"));
        assertEquals("?<secret webhookUrl query>", mask.mask("?token=abcdef"));
        assertEquals("signed with <secret secret>", mask.mask("signed with hmac-key"));
        assertEquals("header <secret headers.Authorization>", mask.mask("header Bearer xyz123"));
        assertEquals("timeout 200", mask.mask("timeout 200"), "other values stay");
    }

    @Test
    void environmentValuesAreAddedAsTheyAreRead() {
        SecretMask mask = SecretMask.of(Set.of(), new JsonObject());
        assertEquals("token t0k3n-value", mask.mask("token t0k3n-value"));
        mask.add("t0k3n-value", "$HOOK_TOKEN");
        assertEquals("token <secret $HOOK_TOKEN>", mask.mask("token t0k3n-value"));
        mask.add("abc", "$SHORT");
        assertEquals("abc", mask.mask("abc"), "too short to mask without garbling the log");
        mask.add(null, "$UNSET");
    }

    @Test
    void everyLineOfTheLoggerIsMaskedBeforeAnyHandlerSeesIt() {
        SecretMask mask = SecretMask.of(Set.of("url"), new JsonObject().put("url", HOOK));
        Logger logger = Logger.getLogger("io.certstream.plugin.secret-mask-test");
        List<String> lines = new CopyOnWriteArrayList<>();
        Handler capture = new Handler() {
            @Override
            public void publish(LogRecord record) {
                StringWriter trace = new StringWriter();
                if (record.getThrown() != null) {
                    record.getThrown().printStackTrace(new PrintWriter(trace));
                }
                lines.add(new SimpleFormatter().formatMessage(record) + " " + trace);
            }

            @Override
            public void flush() {
            }

            @Override
            public void close() {
            }
        };
        logger.addHandler(capture);
        try {
            mask.install(logger);
            logger.warning(() -> "POST " + HOOK + " failed");
            logger.log(Level.WARNING, "to {0}", HOOK);
            logger.log(Level.WARNING, "failed", new IllegalStateException("wrapped",
                    new ConnectException("cannot connect to " + HOOK)));
        } finally {
            logger.removeHandler(capture);
            logger.setFilter(null);
        }
        assertEquals(3, lines.size(), lines.toString());
        assertTrue(lines.stream().noneMatch(l -> l.contains("s3cretT0ken")), "a secret in the log: " + lines);
        assertTrue(lines.get(0).startsWith("POST <secret url> failed"), lines.get(0));
        assertTrue(lines.get(1).startsWith("to <secret url>"), lines.get(1));
        assertTrue(lines.get(2).contains("java.net.ConnectException: cannot connect to <secret url>"), lines.get(2));
        assertTrue(lines.get(2).contains("at io.certstream.hub.plugin.SecretMaskTest"), "the stack trace is kept: " + lines.get(2));
    }

    @Test
    void aThrowableWithoutSecretsIsLeftAlone() {
        SecretMask mask = SecretMask.of(Set.of("url"), new JsonObject().put("url", HOOK));
        RuntimeException clean = new RuntimeException("nothing to hide");
        assertSame(clean, mask.mask(clean));
        Throwable masked = mask.mask(new RuntimeException("to " + HOOK));
        assertEquals("java.lang.RuntimeException: to <secret url>", masked.toString());
        assertFalse(String.valueOf(masked.getMessage()).contains("s3cret"));
    }
}
