package dev.iris.asset;

import java.time.Duration;

/**
 * The store could not be reached, or answered too slowly, for this request; it may work again shortly. The message
 * is public (one line, no key, bucket or endpoint); the cause is for the log. Callers answer it with 503 and
 * {@link #retryAfter()}.
 */
public final class AssetUnavailable extends AssetException {
    private static final long serialVersionUID = 1L;
    private final transient Duration retryAfter;

    public AssetUnavailable(String message, Duration retryAfter, Throwable cause) {
        super(message, cause);
        this.retryAfter = retryAfter;
    }

    public Duration retryAfter() {
        return retryAfter;
    }
}
