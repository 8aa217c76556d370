package io.certstream.plugins.testkit;

import io.vertx.core.Future;
import io.vertx.core.MultiMap;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServer;
import io.vertx.core.json.JsonObject;

import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.function.Function;

/**
 * A real HTTP server on 127.0.0.1 that records every request and answers what the test decides.
 * It can be closed and restarted on the same port to play a receiver that is down for a while.
 */
public final class HttpReceiver {
    /** One request as the receiver saw it. */
    public record Request(String method, String path, MultiMap headers, Buffer body) {
        public JsonObject json() {
            return body.toJsonObject();
        }
    }

    /** What to answer: a status, extra headers and a body; status 0 is {@link #noAnswer()}. */
    public record Response(int status, Map<String, String> headers, String body) {
        public static Response ok() {
            return new Response(200, Map.of(), "ok");
        }

        public static Response status(int status) {
            return new Response(status, Map.of(), "");
        }

        /** Reads the request and never answers it: a receiver that hangs, until the client gives up. */
        public static Response noAnswer() {
            return new Response(0, Map.of(), "");
        }

        public static Response tooManyRequests(int retryAfterSeconds) {
            return new Response(429, Map.of("Retry-After", Integer.toString(retryAfterSeconds)), "rate_limited");
        }
    }

    private final Vertx vertx;
    private final List<Request> requests = new CopyOnWriteArrayList<>();
    private volatile Function<Request, Response> responder = r -> Response.ok();
    private volatile HttpServer server;
    private volatile int port;

    public HttpReceiver(Vertx vertx) {
        this.vertx = vertx;
    }

    /** Starts on an ephemeral port the first time, then on the same port again. */
    public Future<HttpReceiver> start() {
        HttpServer s = vertx.createHttpServer().requestHandler(req -> req.body().onSuccess(body -> {
            Request r = new Request(req.method().name(), req.path(), req.headers(), body);
            Response answer = responder.apply(r);
            if (answer.status() == 0) {
                return;
            }
            if (answer.status() / 100 == 2) {
                requests.add(r);
            }
            answer.headers().forEach((k, v) -> req.response().putHeader(k, v));
            req.response().setStatusCode(answer.status()).end(answer.body());
        }));
        server = s;
        return s.listen(port, "127.0.0.1").map(started -> {
            port = started.actualPort();
            return this;
        });
    }

    public Future<Void> stop() {
        return server.close();
    }

    /** How the receiver answers from now on; every request it answers 2xx is recorded as accepted. */
    public HttpReceiver respond(Function<Request, Response> responder) {
        this.responder = responder;
        return this;
    }

    public String url(String path) {
        return "http://127.0.0.1:" + port + path;
    }

    /** Requests answered 2xx, in arrival order. */
    public List<Request> accepted() {
        return List.copyOf(requests);
    }

    /** Waits (on the test thread) until the condition holds, failing after the timeout. */
    public static void await(String what, long timeoutMillis, BooleanSupplier condition) {
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeoutMillis);
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("timed out after " + timeoutMillis + " ms waiting for " + what);
            }
            try {
                Thread.sleep(20);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError(e);
            }
        }
    }
}
