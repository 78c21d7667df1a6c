package dev.iris.web;

import dev.iris.app.IrisApp;
import dev.iris.asset.AssetMeta;
import dev.iris.asset.AssetName;
import dev.iris.asset.Ingester;
import dev.iris.config.ConfigLoader;
import dev.iris.config.IrisConfig;
import dev.iris.server.IrisServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

/**
 * A real iris (embedded Jetty on an ephemeral port, real models from {@code models/} or the directory in system
 * property {@code irisTest.models}) over a temporary asset store, with an HTTP client. Close it after use.
 */
final class IrisTestServer implements AutoCloseable {
    static final String TOKEN = "test-token";
    static final Path MODELS = Path.of(System.getProperty("irisTest.models", "models"));

    private final IrisApp app;
    private final IrisServer server;
    private final HttpClient http = HttpClient.newHttpClient();

    private IrisTestServer(IrisApp app, IrisServer server) {
        this.app = app;
        this.server = server;
    }

    /** Starts iris with test defaults, overridden by {@code overrides} (config keys). */
    static IrisTestServer start(Path tmp, Map<String, String> overrides) throws Exception {
        Map<String, String> settings = new HashMap<>();
        settings.put("server.port", "0");
        settings.put("server.host", "127.0.0.1");
        settings.put("server.webappDir", tmp.resolve("webapp").toString());
        settings.put("assets.dir", tmp.resolve("assets").toString());
        settings.put("assets.demoDir", "");
        settings.put("assets.ingestToken", TOKEN);
        settings.put("models.dir", MODELS.toAbsolutePath().toString());
        settings.putAll(overrides);
        Files.createDirectories(tmp.resolve("webapp"));
        IrisConfig config = ConfigLoader.load(Optional.empty(), settings, tmp);
        IrisApp app = IrisApp.start(config);
        try {
            return new IrisTestServer(app, new IrisServer(app).start());
        } catch (Exception e) {
            app.close();
            throw e;
        }
    }

    /**
     * Ingests a test fixture directly (no HTTP) under {@code name}, at the given scale, as the command line would
     * from another process: the restore made at ingest is not kept, so this server's first large request is cold.
     */
    AssetMeta ingest(String name, String fixture, int scale) {
        try (var control = app.newRunControl()) {
            return app.ingester().orElseThrow().ingest(
                    new Ingester.Request(new AssetName(name), fixture(fixture), scale, Optional.empty()), control);
        }
    }

    /** The scale of the first model loaded (models load in id order). */
    int firstModelScale() {
        return app.models().orElseThrow().fixedScale().getFirst().scale();
    }

    static byte[] fixture(String name) {
        try (InputStream in = IrisTestServer.class.getResourceAsStream("/fixtures/" + name)) {
            if (in == null) {
                throw new IllegalArgumentException("no fixture " + name);
            }
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    IrisApp app() {
        return app;
    }

    URI uri(String pathAndQuery) {
        return URI.create("http://127.0.0.1:" + server.port() + pathAndQuery);
    }

    HttpResponse<byte[]> get(String pathAndQuery, String... headers) {
        return send(HttpRequest.newBuilder(uri(pathAndQuery)).GET(), headers);
    }

    HttpResponse<byte[]> head(String pathAndQuery, String... headers) {
        return send(HttpRequest.newBuilder(uri(pathAndQuery)).method("HEAD", HttpRequest.BodyPublishers.noBody()),
                headers);
    }

    HttpResponse<byte[]> put(String pathAndQuery, byte[] body, String... headers) {
        return send(HttpRequest.newBuilder(uri(pathAndQuery)).PUT(HttpRequest.BodyPublishers.ofByteArray(body)),
                headers);
    }

    private HttpResponse<byte[]> send(HttpRequest.Builder builder, String... headers) {
        for (int i = 0; i < headers.length; i += 2) {
            builder.header(headers[i], headers[i + 1]);
        }
        try {
            return http.send(builder.build(), HttpResponse.BodyHandlers.ofByteArray());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /**
     * That {@code response} is the one-line problem every refusal gets: exactly {@code status} and the body
     * {@code {"status":N,"error":"reason"}} with its newline.
     */
    static void assertProblem(HttpResponse<byte[]> response, int status, String reason) {
        String json;
        try {
            json = new com.fasterxml.jackson.databind.ObjectMapper().writeValueAsString(reason);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
        org.junit.jupiter.api.Assertions.assertEquals(status + " {\"status\":" + status + ",\"error\":" + json + "}\n",
                response.statusCode() + " " + new String(response.body(), java.nio.charset.StandardCharsets.UTF_8));
    }

    @Override
    public void close() throws Exception {
        try {
            server.close();
        } finally {
            app.close();
        }
    }
}
