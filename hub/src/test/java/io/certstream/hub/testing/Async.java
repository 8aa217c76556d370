package io.certstream.hub.testing;

import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;

import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** Waiting on Vert.x futures from a test thread, and running code on one event loop as a verticle would. */
public final class Async {
    private Async() {
    }

    public static <T> T await(Future<T> future) throws Exception {
        return future.toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
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
