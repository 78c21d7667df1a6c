package dev.iris.asset;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import dev.iris.model.Scale;
import java.time.Instant;
import java.util.OptionalLong;
import org.junit.jupiter.api.Test;

class MetaJsonTest {
    @Test
    void write_thenRead_roundTripsEveryField_includingTheCodec() throws IOException {
        AssetMeta meta = new AssetMeta("cat", "0123456789abcdef", "png", 13, 10, 7, 5, Scale.uniform(2), "model", "abc123",
                "def456", true, Instant.parse("2026-11-23T12:00:00Z"), 40.5);
        assertEquals(meta, MetaJson.read(MetaJson.write(meta)));
        AssetMeta exact = new AssetMeta("cat", "0123456789abcdef", "png", 13, 10, 7, 5, Scale.uniform(2), "model", "abc123",
                "def456", false, Instant.parse("2026-11-23T12:00:00Z"), Double.POSITIVE_INFINITY);
        assertEquals(exact, MetaJson.read(MetaJson.write(exact)));
    }

    @Test
    void optimizeIterations_roundTrip_andArePlainWhenAbsent() throws IOException {
        AssetMeta optimised = new AssetMeta("cat", "0123456789abcdef", "png", 13, 10, 7, 5, Scale.uniform(2), "model",
                "abc123", "def456", false, Instant.parse("2026-11-23T12:00:00Z"), 40.5, OptionalLong.empty(),
                OptionalLong.empty(), 12, 0);
        assertEquals(optimised, MetaJson.read(MetaJson.write(optimised)));
        AssetMeta plain = new AssetMeta("cat", "0123456789abcdef", "png", 13, 10, 7, 5, 2, "model", "abc123",
                "def456", false, Instant.parse("2026-11-23T12:00:00Z"), 40.5);
        String written = new String(MetaJson.write(plain), java.nio.charset.StandardCharsets.UTF_8);
        assertEquals(-1, written.indexOf("optimizeIterations"), "plain metadata is written as before: " + written);
        assertEquals(0, MetaJson.read(MetaJson.write(plain)).optimizeIterations());
        assertEquals(-1, written.indexOf("optimizeHrIterations"), written);
        assertEquals(0, MetaJson.read(MetaJson.write(plain)).optimizeHrIterations());
    }

    @Test
    void optimizeHrIterations_roundTrip() throws IOException {
        AssetMeta both = new AssetMeta("cat", "0123456789abcdef", "png", 13, 10, 7, 5, Scale.uniform(2), "model",
                "abc123", "def456", false, Instant.parse("2026-11-23T12:00:00Z"), 40.5, OptionalLong.empty(),
                OptionalLong.empty(), 12, 7);
        AssetMeta read = MetaJson.read(MetaJson.write(both));
        assertEquals(both, read);
        assertEquals(7, read.optimizeHrIterations());
    }

    @Test
    void write_thenRead_roundTripsTheByteCounts() throws IOException {
        AssetMeta meta = new AssetMeta("cat", "0123456789abcdef", "webp", 13, 10, 7, 5, Scale.uniform(2), "model", "abc123",
                "def456", true, Instant.parse("2026-11-23T12:00:00Z"), 40.5, OptionalLong.of(1234),
                OptionalLong.of(98765));
        byte[] json = MetaJson.write(meta);
        assertEquals(meta, MetaJson.read(json));
        assertTrue(new String(json, StandardCharsets.UTF_8).contains("\"storedBytes\" : 1234"));
    }

    @Test
    void read_ofMetadataWrittenBeforeCodecs_saysPng_andByteCountsUnknown() throws IOException {
        try (InputStream in = MetaJsonTest.class.getResourceAsStream("/fixtures/asset-store-v0/cat.json")) {
            AssetMeta meta = MetaJson.read(in.readAllBytes());
            assertEquals("png", meta.codec());
            assertEquals("2f09bd1df822ae85", meta.version());
            assertEquals(OptionalLong.empty(), meta.storedBytes());
            assertEquals(OptionalLong.empty(), meta.sourceBytes());
        }
    }

    @Test
    void withStoredBytes_countsThePayloadsAndExactlyTheJsonThatRecordsIt_acrossADigitBoundary() throws IOException {
        AssetMeta draft = new AssetMeta("cat", "0123456789abcdef", "webp", 13, 10, 7, 5, Scale.uniform(2), "model", "abc123",
                "def456", false, Instant.parse("2026-11-23T12:00:00Z"), 40.5, OptionalLong.empty(),
                OptionalLong.of(5));
        // payloads + about 500 bytes of JSON cross 10,000 somewhere in this range, where the count gains a digit
        for (long payloads = 9_300; payloads < 9_800; payloads++) {
            MetaJson.Written written = MetaJson.withStoredBytes(draft, payloads);
            assertEquals(payloads + written.json().length, written.meta().storedBytes().getAsLong());
            assertEquals(written.meta(), MetaJson.read(written.json()));
        }
    }

    @Test
    void read_ofAByteCountThatIsNotOne_isRejected() {
        IOException e = assertThrows(IOException.class, () -> MetaJson.read(withField("\"storedBytes\" : 1.5")));
        assertEquals("field storedBytes is not a byte count", e.getMessage());
        e = assertThrows(IOException.class, () -> MetaJson.read(withField("\"sourceBytes\" : -3")));
        assertEquals("field sourceBytes is not a byte count", e.getMessage());
    }

    /** A valid metadata file with one more field. */
    private static byte[] withField(String field) {
        AssetMeta meta = new AssetMeta("cat", "0123456789abcdef", "png", 13, 10, 7, 5, Scale.uniform(2), "model", "abc123",
                "def456", false, Instant.parse("2026-11-23T12:00:00Z"), 40.5);
        String json = new String(MetaJson.write(meta), StandardCharsets.UTF_8);
        return json.replaceFirst("\\{", "{ " + field + ",").getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void read_ofANonTextCodec_isRejected() {
        IOException e = assertThrows(IOException.class,
                () -> MetaJson.read("{\"name\":\"cat\",\"version\":\"v\",\"codec\":3}".getBytes()));
        assertEquals("missing text field codec", e.getMessage());
    }
}
