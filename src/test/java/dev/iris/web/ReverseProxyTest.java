package dev.iris.web;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Debian's nginx on loopback, running the documented {@code conf/nginx/iris.conf}, in front of a live iris: the
 * second identical request comes from nginx's cache, and iris builds absolute URLs from the forwarded headers.
 * CI installs nginx; elsewhere the test is skipped when nginx is missing.
 */
class ReverseProxyTest {
    @Test
    void nginx_cachesImagesByUrl_andForwardsTheClientsHost(@TempDir Path tmp) throws Exception {
        NginxProcess.assumeInstalled();
        try (IrisTestServer iris = IrisTestServer.start(tmp, Map.of())) {
            iris.ingest("photo", "photo.png", iris.firstModelScale());
            String conf = Files.readString(Path.of("conf/nginx/iris.conf"))
                    .replace("/var/cache/nginx/iris", tmp.resolve("nginx").resolve("cache").toString())
                    .replace("server 127.0.0.1:8080;", "server 127.0.0.1:" + iris.uri("/").getPort() + ";");
            try (NginxProcess nginx = NginxProcess.start(tmp, conf)) {
                int port = nginx.port();
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
            }
        }
    }

    private static HttpResponse<byte[]> get(HttpClient http, String url) throws IOException, InterruptedException {
        return http.send(HttpRequest.newBuilder(URI.create(url)).build(), HttpResponse.BodyHandlers.ofByteArray());
    }
}
