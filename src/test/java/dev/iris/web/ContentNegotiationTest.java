package dev.iris.web;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Opt-in WebP by Accept: off by default; when on, chosen only without fm=, and always with Vary: Accept. */
class ContentNegotiationTest {
    private static final String BROWSER_ACCEPT = "image/avif,image/webp,image/apng,image/*,*/*;q=0.8";

    @Test
    void acceptWebp_off_ignoresAccept(@TempDir Path tmp) throws Exception {
        try (IrisTestServer iris = IrisTestServer.start(tmp, Map.of())) {
            iris.ingest("photo", "photo.png", iris.firstModelScale());
            HttpResponse<byte[]> response = iris.get("/img/photo.jpg?w=64", "Accept", BROWSER_ACCEPT);
            assertEquals("image/jpeg", response.headers().firstValue("Content-Type").orElseThrow());
            assertTrue(response.headers().firstValue("Vary").isEmpty());
        }
    }

    @Test
    void acceptWebp_on_negotiatesWithVary_unlessFmIsExplicit(@TempDir Path tmp) throws Exception {
        try (IrisTestServer iris = IrisTestServer.start(tmp, Map.of("serving.acceptWebp", "true"))) {
            iris.ingest("photo", "photo.png", iris.firstModelScale());
            HttpResponse<byte[]> webp = iris.get("/img/photo.jpg?w=64", "Accept", BROWSER_ACCEPT);
            assertEquals("image/webp", webp.headers().firstValue("Content-Type").orElseThrow());
            assertEquals("Accept", webp.headers().firstValue("Vary").orElseThrow());
            HttpResponse<byte[]> jpeg = iris.get("/img/photo.jpg?w=64", "Accept", "image/jpeg");
            assertEquals("image/jpeg", jpeg.headers().firstValue("Content-Type").orElseThrow());
            assertEquals("Accept", jpeg.headers().firstValue("Vary").orElseThrow());
            assertNotEquals(webp.headers().firstValue("ETag"), jpeg.headers().firstValue("ETag"));
            HttpResponse<byte[]> explicit = iris.get("/img/photo.jpg?w=64&fm=png", "Accept", BROWSER_ACCEPT);
            assertEquals("image/png", explicit.headers().firstValue("Content-Type").orElseThrow());
            assertTrue(explicit.headers().firstValue("Vary").isEmpty());
        }
    }
}
