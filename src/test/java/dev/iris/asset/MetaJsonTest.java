package dev.iris.asset;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.IOException;
import java.io.InputStream;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class MetaJsonTest {
    @Test
    void write_thenRead_roundTripsEveryField_includingTheCodec() throws IOException {
        AssetMeta meta = new AssetMeta("cat", "0123456789abcdef", "png", 13, 10, 7, 5, 2, "model", "abc123",
                "def456", true, Instant.parse("2026-11-23T12:00:00Z"), 40.5);
        assertEquals(meta, MetaJson.read(MetaJson.write(meta)));
        AssetMeta exact = new AssetMeta("cat", "0123456789abcdef", "png", 13, 10, 7, 5, 2, "model", "abc123",
                "def456", false, Instant.parse("2026-11-23T12:00:00Z"), Double.POSITIVE_INFINITY);
        assertEquals(exact, MetaJson.read(MetaJson.write(exact)));
    }

    @Test
    void optimizeIterations_roundTrip_andArePlainWhenAbsent() throws IOException {
        AssetMeta optimised = new AssetMeta("cat", "0123456789abcdef", "png", 13, 10, 7, 5, 2, "model", "abc123",
                "def456", false, Instant.parse("2026-11-23T12:00:00Z"), 40.5, 12);
        assertEquals(optimised, MetaJson.read(MetaJson.write(optimised)));
        AssetMeta plain = new AssetMeta("cat", "0123456789abcdef", "png", 13, 10, 7, 5, 2, "model", "abc123",
                "def456", false, Instant.parse("2026-11-23T12:00:00Z"), 40.5);
        String written = new String(MetaJson.write(plain), java.nio.charset.StandardCharsets.UTF_8);
        assertEquals(-1, written.indexOf("optimizeIterations"), "plain metadata is written as before: " + written);
        assertEquals(0, MetaJson.read(MetaJson.write(plain)).optimizeIterations());
    }

    @Test
    void read_ofMetadataWrittenBeforeCodecs_saysPng() throws IOException {
        try (InputStream in = MetaJsonTest.class.getResourceAsStream("/fixtures/asset-store-v0/cat.json")) {
            AssetMeta meta = MetaJson.read(in.readAllBytes());
            assertEquals("png", meta.codec());
            assertEquals("2f09bd1df822ae85", meta.version());
        }
    }

    @Test
    void read_ofANonTextCodec_isRejected() {
        IOException e = assertThrows(IOException.class,
                () -> MetaJson.read("{\"name\":\"cat\",\"version\":\"v\",\"codec\":3}".getBytes()));
        assertEquals("missing text field codec", e.getMessage());
    }
}
