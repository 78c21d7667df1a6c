package dev.iris.web;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.iris.asset.AssetException;
import dev.iris.asset.IngestException;
import dev.iris.image.ImageException;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.lang.System.Logger.Level;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The one place that turns failures into HTTP responses: a status and a JSON body
 * {@code {"status":400,"error":"<one line>"}}, never a stack trace. 4xx are logged at debug without a trace;
 * 5xx once, with the cause. Stateless.
 */
final class ErrorResponses {
    private static final System.Logger LOG = System.getLogger(ErrorResponses.class.getName());
    private static final ObjectMapper JSON = new ObjectMapper();

    private ErrorResponses() {}

    /** The problem a failure amounts to, logging server-side ones. */
    static Problem toProblem(Throwable failure) {
        return switch (failure) {
            case IrisError.Unavailable e -> {
                // A full queue is back-pressure working as designed; a failed or timed-out run is worth a look.
                LOG.log(e.getCause() == null ? Level.DEBUG : Level.WARNING, e.getMessage(), e.getCause());
                yield new Problem(e.status(), e.getMessage());
            }
            case IrisError e -> new Problem(e.status(), e.getMessage());
            case ImageException e -> new Problem(415, e.getMessage());
            case IngestException e -> new Problem(400, e.getMessage());
            case AssetException e -> {
                LOG.log(Level.ERROR, e.getMessage(), e);
                yield new Problem(500, "storage error: " + e.getMessage());
            }
            default -> {
                LOG.log(Level.ERROR, "unexpected failure", failure);
                yield new Problem(500, "internal error");
            }
        };
    }

    static void send(HttpServletResponse response, Throwable failure) throws IOException {
        send(response, toProblem(failure), failure instanceof IrisError.Unavailable u ? u : null);
    }

    static void send(HttpServletResponse response, Problem problem) throws IOException {
        send(response, problem, null);
    }

    private static void send(HttpServletResponse response, Problem problem, IrisError.Unavailable unavailable)
            throws IOException {
        if (response.isCommitted()) {
            return;
        }
        response.reset();
        response.setStatus(problem.status());
        if (unavailable != null) {
            response.setHeader("Retry-After", Long.toString(Math.max(1, unavailable.retryAfter().toSeconds())));
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
