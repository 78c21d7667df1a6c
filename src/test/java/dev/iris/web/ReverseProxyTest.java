package dev.iris.web;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Debian's nginx on loopback, running the documented {@code conf/nginx/iris.conf}, in front of a live iris: the
 * second identical request comes from nginx's cache, and iris builds absolute URLs from the forwarded headers.
 * CI installs nginx; elsewhere the test is skipped when nginx is missing.
 */
class ReverseProxyTest {
    private static final Path NGINX = Path.of("/usr/sbin/nginx");

    @Test
    void nginx_cachesImagesByUrl_andForwardsTheClientsHost(@TempDir Path tmp) throws Exception {
        if (System.getenv("CI") == null) {
            Assumptions.assumeTrue(Files.isExecutable(NGINX), "nginx not installed (apt-get install nginx)");
        }
        try (IrisTestServer iris = IrisTestServer.start(tmp, Map.of())) {
            iris.ingest("photo", "photo.png", iris.firstModelScale());
            int port = freePort();
            Process nginx = startNginx(tmp, port, iris.uri("/").getPort());
            try {
                HttpClient http = HttpClient.newHttpClient();
                String url = "http://127.0.0.1:" + port + "/img/photo.jpg?w=120";
                HttpResponse<byte[]> first = get(http, url);
                HttpResponse<byte[]> second = get(http, url);
                assertEquals(200, first.statusCode());
                assertEquals("MISS", first.headers().firstValue("X-Cache-Status").orElse(""));
                assertEquals("HIT", second.headers().firstValue("X-Cache-Status").orElse(""));
                assertArrayEquals(first.body(), second.body());
                assertEquals(first.headers().firstValue("ETag"), second.headers().firstValue("ETag"));

                HttpResponse<String> put = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port
                        + "/iris/assets/lady?scale=" + iris.firstModelScale()))
                        .header("Authorization", "Bearer " + IrisTestServer.TOKEN)
                        .PUT(HttpRequest.BodyPublishers.ofByteArray(IrisTestServer.fixture("ladybird.png"))).build(),
                        HttpResponse.BodyHandlers.ofString());
                assertEquals(201, put.statusCode(), put.body());
                assertEquals("http://127.0.0.1:" + port + "/img/lady.png",
                        put.headers().firstValue("Location").orElseThrow());
            } finally {
                nginx.destroy();
                nginx.waitFor();
            }
        }
    }

    private static HttpResponse<byte[]> get(HttpClient http, String url) throws IOException, InterruptedException {
        return http.send(HttpRequest.newBuilder(URI.create(url)).build(), HttpResponse.BodyHandlers.ofByteArray());
    }

    private static Process startNginx(Path tmp, int port, int upstreamPort) throws Exception {
        Path prefix = Files.createDirectories(tmp.resolve("nginx"));
        Files.createDirectories(prefix.resolve("logs"));
        String server = Files.readString(Path.of("conf/nginx/iris.conf"))
                .replace("/var/cache/nginx/iris", prefix.resolve("cache").toString())
                .replace("server 127.0.0.1:8080;", "server 127.0.0.1:" + upstreamPort + ";")
                .replace("listen 80;", "listen 127.0.0.1:" + port + ";");
        Files.writeString(prefix.resolve("iris.conf"), server);
        Files.writeString(prefix.resolve("nginx.conf"), """
                user root;
                worker_processes 1;
                pid %s/nginx.pid;
                error_log %s/logs/error.log warn;
                events { worker_connections 64; }
                http {
                    access_log off;
                    client_body_temp_path %s/body;
                    proxy_temp_path %s/proxy;
                    include %s/iris.conf;
                }
                """.formatted(prefix, prefix, prefix, prefix, prefix));
        Process nginx = new ProcessBuilder(NGINX.toString(), "-p", prefix.toString(), "-c",
                prefix.resolve("nginx.conf").toString(), "-g", "daemon off;")
                .redirectErrorStream(true).redirectOutput(prefix.resolve("logs/stdout.log").toFile()).start();
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (System.nanoTime() < deadline) {
            try (var socket = new java.net.Socket("127.0.0.1", port)) {
                return nginx;
            } catch (IOException notYet) {
                if (!nginx.isAlive()) {
                    throw new IllegalStateException("nginx exited: "
                            + Files.readString(prefix.resolve("logs/stdout.log")));
                }
                Thread.sleep(50);
            }
        }
        nginx.destroy();
        throw new IllegalStateException("nginx did not start listening on " + port);
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }
}
