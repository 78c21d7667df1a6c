package dev.iris.model;

import java.time.Duration;

/**
 * Model work that could not be done now but may succeed later: the run queue was full, a run failed inside ONNX
 * Runtime or ran past its time limit. The message is public (one line, no internals); the cause, if any, is for
 * the log. Callers answer it with 503 and {@link #retryAfter()}.
 */
public final class ModelUnavailable extends RuntimeException {
    private static final long serialVersionUID = 1L;
    private final transient Duration retryAfter;

    public ModelUnavailable(String message, Duration retryAfter, Throwable cause) {
        super(message, cause, false, false);
        this.retryAfter = retryAfter;
    }

    public Duration retryAfter() {
        return retryAfter;
    }
}
