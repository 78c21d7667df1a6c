package dev.iris.web;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.iris.asset.AssetException;
import dev.iris.asset.AssetUnavailable;
import dev.iris.asset.IngestException;
import dev.iris.image.ImageException;
import dev.iris.model.ModelUnavailable;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.lang.System.Logger.Level;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The one place that turns failures into HTTP responses: a status and a JSON body
 * {@code {"status":400,"error":"<one line>"}}. What the client reads and what the log gets are kept apart: the
 * body carries only messages written for clients (about their input, or that the server is busy); a server-side
 * failure answers a fixed line with a reference that its log entry carries too, never the exception's text, which
 * may name files or internals. Stateless.
 */
final class ErrorResponses {
    private static final System.Logger LOG = System.getLogger(ErrorResponses.class.getName());
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final long STORE_WARNING_PERIOD_NANOS = 10_000_000_000L;
    private static final AtomicLong lastStoreWarning = new AtomicLong(System.nanoTime() - STORE_WARNING_PERIOD_NANOS - 1);

    private ErrorResponses() {}

    /** The problem a failure amounts to, logging server-side ones. */
    static Problem toProblem(Throwable failure) {
        return switch (failure) {
            case ModelUnavailable e -> {
                // A full queue is back-pressure working as designed; a failed or timed-out run is worth a look.
                LOG.log(e.getCause() == null ? Level.DEBUG : Level.WARNING, e.getMessage(), e.getCause());
                yield new Problem(503, e.getMessage());
            }
            case IrisError e -> new Problem(e.status(), e.getMessage());
            case ImageException e -> new Problem(e.isUnsupportedFormat() ? 415 : 400, e.getMessage());
            case IngestException e -> new Problem(400, e.getMessage());
            case AssetUnavailable e -> {
                // An outage fails every request that needs the store: one warning per period says so, not each.
                long now = System.nanoTime();
                long last = lastStoreWarning.get();
                boolean warn = now - last > STORE_WARNING_PERIOD_NANOS && lastStoreWarning.compareAndSet(last, now);
                LOG.log(warn ? Level.WARNING : Level.DEBUG, e.getMessage() + " (" + e.getCause() + ")");
                yield new Problem(503, e.getMessage());
            }
            case AssetException e -> internal("storage error", e);
            default -> internal("internal error", failure);
        };
    }

    /** A 500 whose body says only {@code what} and a reference to the log entry that has the details. */
    private static Problem internal(String what, Throwable failure) {
        String reference = Long.toHexString(ThreadLocalRandom.current().nextLong() >>> 16);
        LOG.log(Level.ERROR, what + " (ref " + reference + "): " + failure.getMessage(), failure);
        return new Problem(500, what + " (ref " + reference + ")");
    }

    static void send(HttpServletResponse response, Throwable failure) throws IOException {
        Duration retryAfter = switch (failure) {
            case ModelUnavailable e -> e.retryAfter();
            case IrisError.Unavailable e -> e.retryAfter();
            case AssetUnavailable e -> e.retryAfter();
            default -> null;
        };
        send(response, toProblem(failure), retryAfter);
    }

    static void send(HttpServletResponse response, Problem problem) throws IOException {
        send(response, problem, null);
    }

    private static void send(HttpServletResponse response, Problem problem, Duration retryAfter)
            throws IOException {
        if (response.isCommitted()) {
            return;
        }
        response.reset();
        response.setStatus(problem.status());
        if (retryAfter != null) {
            response.setHeader("Retry-After", Long.toString(Math.max(1, retryAfter.toSeconds())));
        }
        response.setHeader("Cache-Control", "no-store");
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("status", problem.status());
        body.put("error", problem.message().lines().findFirst().orElse(""));
        byte[] bytes = (JSON.writeValueAsString(body) + "\n").getBytes(StandardCharsets.UTF_8);
        response.setContentType("application/json");
        response.setContentLength(bytes.length);
        response.getOutputStream().write(bytes);
    }
}
