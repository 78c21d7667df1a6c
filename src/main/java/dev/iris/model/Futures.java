package dev.iris.model;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/** Waiting for cached or queued work on a request thread. Stateless. */
public final class Futures {
    private Futures() {}

    /**
     * The value of {@code future}, waiting at most {@code timeout}; its own failure is rethrown as it was, and
     * running out of time or being interrupted become a 503 naming {@code what}.
     */
    public static <T> T await(CompletableFuture<T> future, Duration timeout, String what, Duration retryAfter) {
        try {
            return future.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (ExecutionException | CompletionException e) {
            Throwable cause = e.getCause();
            if (cause instanceof RuntimeException r) {
                throw r;
            }
            if (cause instanceof Error err) {
                throw err;
            }
            throw new IllegalStateException(what + " failed", cause);
        } catch (TimeoutException e) {
            throw new ModelUnavailable(what + " is taking too long", retryAfter, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ModelUnavailable(what + " was interrupted", Duration.ofSeconds(1), e);
        }
    }
}
