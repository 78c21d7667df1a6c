package dev.iris.web;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A {@code fit=cover} crop of at most half the original, of an asset whose whole restore nobody has, is rendered
 * from a restore of only the part the crop reads ({@code partialRestores} in health counts them), and answers the
 * same bytes as the crop of the whole restore; a larger crop, or one of an asset whose whole restore is cached,
 * uses the whole restore.
 */
class PartialRestoreTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    /** Lossless outputs (PNG), so equal bytes mean equal pixels; at the original scale and shrunk; with alpha. */
    private static final List<String> CROPS = List.of("/img/photo.png?w=256&h=48&fit=cover",
            "/img/photo.png?w=200&h=30&fit=cover", "/img/photo.png?w=60&h=192&fit=cover&fm=png",
            "/img/rgba.png?w=64&h=12&fit=cover");
    /** The restored tier off: a whole restore kept there would serve the crops after a restart. */
    private static final Map<String, String> NO_TIER = Map.of("assets.restoredMaxBytes", "0");

    @Test
    void smallCrops_restoreOnlyTheirPart_andEqualTheCropOfTheWholeRestore(@TempDir Path tmp) throws Exception {
        List<byte[]> partial;
        try (IrisTestServer iris = IrisTestServer.start(tmp, NO_TIER)) {
            int scale = iris.firstModelScale();
            iris.ingest("photo", "photo.png", scale); // directly: nothing kept, so the first request is cold
            iris.ingest("rgba", "rgba.png", scale);
            partial = CROPS.stream().map(c -> okBody(iris.get(c))).toList();
            assertEquals(CROPS.size(), partialRestores(iris), "each crop restores its own part");
        }
        try (IrisTestServer restarted = IrisTestServer.start(tmp, NO_TIER)) {
            okBody(restarted.get("/img/photo.png")); // the original size: the whole restore, cached
            okBody(restarted.get("/img/rgba.png"));
            for (int i = 0; i < CROPS.size(); i++) {
                assertArrayEquals(partial.get(i), okBody(restarted.get(CROPS.get(i))), CROPS.get(i));
            }
            assertEquals(0, partialRestores(restarted), "a crop of a cached whole restore restored again");
        }
    }

    @Test
    void aCropOfMoreThanHalf_usesTheWholeRestore(@TempDir Path tmp) throws Exception {
        try (IrisTestServer iris = IrisTestServer.start(tmp, NO_TIER)) {
            iris.ingest("photo", "photo.png", iris.firstModelScale());
            okBody(iris.get("/img/photo.png?w=256&h=100&fit=cover"));
            assertEquals(0, partialRestores(iris));
            okBody(iris.get("/img/photo.png?w=256&h=48&fit=cover")); // the whole restore is cached now
            assertEquals(0, partialRestores(iris));
        }
    }

    private static long partialRestores(IrisTestServer iris) throws Exception {
        return JSON.readTree(iris.get("/iris/health").body()).get("partialRestores").asLong();
    }

    private static byte[] okBody(HttpResponse<byte[]> response) {
        assertEquals(200, response.statusCode(), () -> new String(response.body()));
        return response.body();
    }
}
