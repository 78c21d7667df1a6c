package dev.iris.web;

import java.time.Duration;

/**
 * Failures that end a request with a known HTTP status. The message is public: one line, lower-case, quoting the
 * bad value. {@link ErrorResponses} is the one place that turns these (and other exceptions) into responses.
 */
public abstract sealed class IrisError extends RuntimeException {
    private static final long serialVersionUID = 1L;

    private IrisError(String message, Throwable cause) {
        super(message, cause, false, false);
    }

    /** The HTTP status. */
    public abstract int status();

    /** 400: a request that can never succeed as sent. */
    public static final class BadRequest extends IrisError {
        private static final long serialVersionUID = 1L;

        public BadRequest(String message) {
            super(message, null);
        }

        @Override
        public int status() {
            return 400;
        }
    }

    /** 401: a missing or wrong bearer token. */
    public static final class Unauthorized extends IrisError {
        private static final long serialVersionUID = 1L;

        public Unauthorized(String message) {
            super(message, null);
        }

        @Override
        public int status() {
            return 401;
        }
    }

    /** 403: an endpoint switched off by configuration. */
    public static final class Forbidden extends IrisError {
        private static final long serialVersionUID = 1L;

        public Forbidden(String message) {
            super(message, null);
        }

        @Override
        public int status() {
            return 403;
        }
    }

    /** 404: no such asset or endpoint. */
    public static final class NotFound extends IrisError {
        private static final long serialVersionUID = 1L;

        public NotFound(String message) {
            super(message, null);
        }

        @Override
        public int status() {
            return 404;
        }
    }

    /** 413: an upload over the byte limit. */
    public static final class TooLarge extends IrisError {
        private static final long serialVersionUID = 1L;

        public TooLarge(String message) {
            super(message, null);
        }

        @Override
        public int status() {
            return 413;
        }
    }

    /**
     * 503 for what the HTTP layer itself finds unavailable (ingest with no model loaded); a busy, failed or
     * timed-out model run is {@link dev.iris.model.ModelUnavailable}.
     */
    public static final class Unavailable extends IrisError {
        private static final long serialVersionUID = 1L;
        private final Duration retryAfter;

        public Unavailable(String message, Duration retryAfter, Throwable cause) {
            super(message, cause);
            this.retryAfter = retryAfter;
        }

        public Duration retryAfter() {
            return retryAfter;
        }

        @Override
        public int status() {
            return 503;
        }
    }
}
