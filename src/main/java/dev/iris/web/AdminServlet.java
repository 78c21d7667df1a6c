package dev.iris.web;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import dev.iris.asset.AssetMeta;
import dev.iris.asset.AssetName;
import dev.iris.asset.IngestJobs;
import dev.iris.asset.Ingester;
import dev.iris.asset.LrTarget;
import dev.iris.model.Futures;
import dev.iris.render.EncodedImage;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.concurrent.CompletableFuture;
import java.time.Duration;

/**
 * iris's own endpoints under {@code /iris/}: {@code GET health}, {@code GET metrics} and
 * {@code GET baseline/{name}.png} (open), and
 * {@code PUT assets/{name}?scale=2|4[&model=id][&optimize=true|false|N][&optimizeHr=N]}, {@code GET assets}, {@code GET assets/{name}},
 * {@code GET jobs/{id}} (bearer token). A PUT answers 201/200 with the metadata when its ingest job finishes within
 * the request time limit, else 202 with the job's URL to poll.
 * Thread-safe.
 */
public final class AdminServlet extends HttpServlet {
    private static final long serialVersionUID = 1L;
    private static final ObjectMapper JSON = new ObjectMapper();

    private transient IrisServices services;
    /**
     * Each failed job's problem, worked out once: working it out logs a server-side failure with a fresh reference,
     * and a client polling the job must see the reference of that one log entry.
     */
    private final transient Cache<String, Problem> jobProblems = Caffeine.newBuilder()
            .expireAfterWrite(Duration.ofHours(1)).build();

    @Override
    public void init() throws ServletException {
        services = IrisServices.of(getServletContext());
    }

    @Override
    protected void service(HttpServletRequest request, HttpServletResponse response) throws IOException {
        String path = Optional.ofNullable(request.getPathInfo()).orElse("/");
        String method = request.getMethod();
        try {
            if (path.equals("/health") && isRead(method)) {
                writeJson(request, response, 200, services.health());
            } else if (path.equals("/metrics") && isRead(method)) {
                writeText(request, response, services.scrape());
            } else if (path.startsWith("/baseline/") && path.endsWith(".png") && isRead(method)) {
                baseline(request, response, path.substring("/baseline/".length(), path.length() - 4));
            } else if (path.startsWith("/jobs/") && isRead(method)) {
                authorize(request);
                job(request, response, path.substring("/jobs/".length()));
            } else if (path.equals("/assets") && isRead(method)) {
                authorize(request);
                writeJson(request, response, 200, services.store().list().stream().map(AdminServlet::describe).toList());
            } else if (path.startsWith("/assets/")) {
                authorize(request);
                // An authorised upload is read before it is judged, so that a 4xx never races the client still
                // sending its body (the connection would be reset under it).
                byte[] body = method.equals("PUT") ? readBody(request, services.config().assets().maxUploadBytes()) : null;
                AssetName name = AssetName.parse(path.substring("/assets/".length())).orElseThrow(
                        () -> new IrisError.BadRequest("expected an asset name (letters, digits, '.', '_', '-') "
                                + "in the path, got " + RequestParser.quote(path.substring(8))));
                switch (method) {
                    case "PUT" -> ingest(request, response, name, body);
                    case "GET", "HEAD" -> writeJson(request, response, 200, describe(services.store().find(name)
                            .orElseThrow(() -> new IrisError.NotFound("no asset named " + name))));
                    default -> throw new IrisError.BadRequest("method " + method + " not allowed here; use PUT or GET");
                }
            } else {
                throw new IrisError.NotFound("no endpoint " + method + " /iris" + path);
            }
        } catch (RuntimeException e) {
            if (method.equals("PUT") && !(e instanceof IrisError.TooLarge)) {
                discardBody(request, services.config().assets().maxUploadBytes());
            }
            ErrorResponses.send(response, e);
        }
    }

    /**
     * Reads and drops what is left of a refused upload (up to the upload limit), so that the client, still sending,
     * reads the answer instead of a reset connection. An upload over the limit is not read: its 413 may be reset.
     */
    private static void discardBody(HttpServletRequest request, long max) throws IOException {
        try (InputStream in = request.getInputStream()) {
            in.skipNBytes(Math.min(Math.max(0, request.getContentLengthLong()), max));
        } catch (IOException | RuntimeException e) {
            // the client went away or sent less than it announced: nothing left to protect
        }
    }

    /** {@code GET /iris/baseline/{name}.png}: the bicubic enlargement of the stored LR, for comparisons. */
    private void baseline(HttpServletRequest request, HttpServletResponse response, String name) throws IOException {
        AssetMeta meta = AssetName.parse(name).flatMap(services.store()::find)
                .orElseThrow(() -> new IrisError.NotFound("no asset named " + RequestParser.quote(name)));
        EncodedImage image = services.renderer().bicubicBaseline(meta);
        response.setHeader("Cache-Control", "public, max-age=" + services.config().serving().maxAge().toSeconds());
        write(request, response, 200, image.format().mediaType(), image.bytes());
    }

    private void ingest(HttpServletRequest request, HttpServletResponse response, AssetName name, byte[] body)
            throws IOException {
        IngestJobs jobs = services.ingestJobs().orElseThrow(() -> new IrisError.Unavailable(
                "ingest is unavailable: no model is loaded", Duration.ofSeconds(60), null));
        LrTarget target = LrTarget.parse(Optional.ofNullable(request.getParameter("scale")),
                Optional.ofNullable(request.getParameter("lrWidth")));
        int optimize = Optional.ofNullable(request.getParameter("optimize"))
                .map(text -> Ingester.parseOptimize(text, services.config().ingest().optimizeIterations()))
                .orElse(0);
        OptionalInt optimizeHr = Optional.ofNullable(request.getParameter("optimizeHr"))
                .map(text -> OptionalInt.of(Ingester.parseOptimizeHr(text))).orElse(OptionalInt.empty());
        if (body.length == 0) {
            throw new IrisError.BadRequest("empty body: send the image file as the request body");
        }
        IngestJobs.Job job = jobs.submit(
                new Ingester.Request(name, body, target, Optional.ofNullable(request.getParameter("model")), optimize,
                        optimizeHr));
        Optional<AssetMeta> meta = Futures.within(job.result(), services.config().limits().requestTimeout(),
                "ingest of " + name);
        if (meta.isEmpty()) { // still running: the client polls the job instead of holding the connection
            response.setHeader("Location", jobUrl(request, job));
            writeJson(request, response, 202, describe(job));
            return;
        }
        response.setHeader("Location", request.getRequestURL().toString()
                .replaceFirst("/iris/assets/.*$", services.config().serving().prefix() + name + ".png"));
        writeJson(request, response, job.replacing() ? 200 : 201, describe(meta.get()));
    }

    /** {@code GET /iris/jobs/{id}}: an ingest job's state, with the asset once stored or the reason it failed. */
    private void job(HttpServletRequest request, HttpServletResponse response, String id) throws IOException {
        IngestJobs.Job job = services.ingestJobs().flatMap(jobs -> jobs.find(id))
                .orElseThrow(() -> new IrisError.NotFound("no ingest job " + RequestParser.quote(id)
                        + " (jobs are kept for an hour, and not across restarts)"));
        writeJson(request, response, 200, describe(job));
    }

    private static String jobUrl(HttpServletRequest request, IngestJobs.Job job) {
        return request.getRequestURL().toString().replaceFirst("/iris/assets/.*$", "/iris/jobs/" + job.id());
    }

    private Map<String, Object> describe(IngestJobs.Job job) {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("job", job.id());
        out.put("name", job.name().value());
        out.put("submitted", job.submitted().toString());
        CompletableFuture<AssetMeta> result = job.result();
        if (!result.isDone()) {
            out.put("state", "running");
            if (job.progress().fraction() > 0) {
                out.put("optimizeProgress", Math.floor(job.progress().fraction() * 100) / 100); // of the optimisation, both stages
            }
        } else if (result.isCompletedExceptionally()) {
            Problem problem = jobProblems.get(job.id(), id -> ErrorResponses.toProblem(result.exceptionNow()));
            out.put("state", "failed");
            out.put("status", problem.status());
            out.put("error", problem.message());
        } else {
            out.put("state", "done");
            out.put("asset", describe(result.resultNow()));
        }
        return out;
    }

    /** The body, refusing more than {@code max} bytes without reading them all. */
    private static byte[] readBody(HttpServletRequest request, long max) throws IOException {
        if (request.getContentLengthLong() > max) {
            throw new IrisError.TooLarge("upload is " + request.getContentLengthLong() + " bytes, more than the "
                    + max + " allowed");
        }
        try (InputStream in = request.getInputStream()) {
            byte[] bytes = in.readNBytes((int) Math.min(Integer.MAX_VALUE - 8, max + 1));
            if (bytes.length > max) {
                throw new IrisError.TooLarge("upload is more than the " + max + " bytes allowed");
            }
            return bytes;
        }
    }

    private void authorize(HttpServletRequest request) {
        String token = services.config().assets().ingestToken().orElseThrow(() -> new IrisError.Forbidden(
                "asset endpoints are disabled: set assets.ingestToken in conf/iris.properties"));
        String header = Optional.ofNullable(request.getHeader("Authorization")).orElse("");
        byte[] given = header.startsWith("Bearer ") ? header.substring(7).strip().getBytes(StandardCharsets.UTF_8)
                : new byte[0];
        // Constant-time comparison, so response timing does not reveal how much of a guess was right.
        if (!MessageDigest.isEqual(given, token.getBytes(StandardCharsets.UTF_8))) {
            throw new IrisError.Unauthorized("missing or wrong bearer token");
        }
    }

    static Map<String, Object> describe(AssetMeta meta) {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("name", meta.name());
        out.put("version", meta.version());
        out.put("width", meta.width());
        out.put("height", meta.height());
        out.put("lrWidth", meta.lrWidth());
        out.put("lrHeight", meta.lrHeight());
        if (meta.scale().x() == meta.scale().y()) { // one number, as before scales could differ per axis
            double s = meta.scale().x();
            out.put("scale", s == Math.rint(s) ? (Object) (int) s : (Object) s);
        }
        out.put("scaleX", meta.scale().x());
        out.put("scaleY", meta.scale().y());
        out.put("modelId", meta.modelId());
        out.put("modelSha256", meta.modelSha256());
        out.put("sourceSha256", meta.sourceSha256());
        out.put("alpha", meta.hasAlpha());
        out.put("created", meta.created().toString());
        out.put("roundTripPsnrY", Double.isFinite(meta.roundTripPsnrY())
                ? Math.round(meta.roundTripPsnrY() * 100) / 100.0 : "Infinity");
        out.put("codec", meta.codec());
        // null: the metadata predates byte counts (or, for sourceBytes, was migrated from such metadata)
        out.put("storedBytes", meta.storedBytes().isPresent() ? meta.storedBytes().getAsLong() : null);
        out.put("sourceBytes", meta.sourceBytes().isPresent() ? meta.sourceBytes().getAsLong() : null);
        out.put("optimizeIterations", meta.optimizeIterations());
        out.put("optimizeHrIterations", meta.optimizeHrIterations());
        return out;
    }

    private static boolean isRead(String method) {
        return method.equals("GET") || method.equals("HEAD");
    }

    private static void writeJson(HttpServletRequest request, HttpServletResponse response, int status, Object body)
            throws IOException {
        byte[] bytes = (JSON.writerWithDefaultPrettyPrinter().writeValueAsString(body) + "\n")
                .getBytes(StandardCharsets.UTF_8);
        write(request, response, status, "application/json", bytes);
    }

    private static void writeText(HttpServletRequest request, HttpServletResponse response, String text)
            throws IOException {
        write(request, response, 200, "text/plain; version=0.0.4; charset=utf-8", text.getBytes(StandardCharsets.UTF_8));
    }

    private static void write(HttpServletRequest request, HttpServletResponse response, int status, String type,
            byte[] bytes) throws IOException {
        response.setStatus(status);
        if (response.getHeader("Cache-Control") == null) {
            response.setHeader("Cache-Control", "no-store");
        }
        response.setContentType(type);
        response.setContentLength(bytes.length);
        if (!request.getMethod().equals("HEAD")) {
            response.getOutputStream().write(bytes);
        }
    }
}
