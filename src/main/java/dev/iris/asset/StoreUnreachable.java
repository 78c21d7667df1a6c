package dev.iris.asset;

import java.io.IOException;
import java.time.Duration;

/**
 * A store that did not answer, or answered "not now" (a timeout, a refused connection, a 5xx, throttling): a
 * failure that passes by itself, unlike a refusal (wrong credentials, no such bucket). {@link BlobAssetStore} turns
 * it into {@link AssetUnavailable}, which the web layer answers with 503 and {@code Retry-After}.
 */
final class StoreUnreachable extends IOException {
    private static final long serialVersionUID = 1L;
    private final transient Duration retryAfter;

    StoreUnreachable(String message, Duration retryAfter, Throwable cause) {
        super(message, cause);
        this.retryAfter = retryAfter;
    }

    Duration retryAfter() {
        return retryAfter;
    }
}
