package dev.iris.model;

import java.time.Duration;
import java.util.Optional;
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
     * running out of time or being interrupted become {@link ModelUnavailable} naming {@code what}.
     */
    public static <T> T await(CompletableFuture<T> future, Duration timeout, String what, Duration retryAfter) {
        return within(future, timeout, what).orElseThrow(
                () -> new ModelUnavailable(what + " is taking too long", retryAfter, null));
    }

    /** The value of {@code future} if it arrives within {@code wait}, else empty; failures as {@link #await}. */
    public static <T> Optional<T> within(CompletableFuture<T> future, Duration wait, String what) {
        try {
            return Optional.of(future.get(wait.toMillis(), TimeUnit.MILLISECONDS));
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
            return Optional.empty();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ModelUnavailable(what + " was interrupted", Duration.ofSeconds(1), e);
        }
    }
}
