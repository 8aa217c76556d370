package io.certstream.hub.testing;

import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;

import java.time.Duration;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Waiting on Vert.x futures and on conditions from a test thread, and running code on one event loop as a verticle would. */
public final class Async {
    private Async() {
    }

    public static <T> T await(Future<T> future) throws Exception {
        return future.toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
    }

    /** Polls {@code condition} until it holds; fails with "timed out waiting for {@code what}" after {@code timeout}. */
    public static void waitFor(Duration timeout, String what, BooleanSupplier condition) throws InterruptedException {
        waitFor(timeout, () -> "timed out waiting for " + what, condition);
    }

    /** Polls {@code condition} until it holds; fails with {@code failure}, computed then, after {@code timeout}. */
    public static void waitFor(Duration timeout, Supplier<String> failure, BooleanSupplier condition)
            throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!condition.getAsBoolean()) {
            assertTrue(System.nanoTime() < deadline, failure);
            Thread.sleep(20);
        }
    }

    /** Runs {@code action} on {@code context}: for objects that, like a watcher's parts, belong to one event loop. */
    public static <T> Future<T> onContext(Context context, Supplier<Future<T>> action) {
        Promise<T> promise = Promise.promise();
        context.runOnContext(v -> action.get().onComplete(promise));
        return promise.future();
    }

    /** The failure of {@code future}, which must be of {@code type}. */
    public static <E extends Throwable> E failure(Future<?> future, Class<E> type) {
        ExecutionException e = assertThrows(ExecutionException.class, () -> await(future));
        return assertInstanceOf(type, e.getCause());
    }
}
