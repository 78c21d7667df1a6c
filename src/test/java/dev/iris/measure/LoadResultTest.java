package dev.iris.measure;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;
import org.junit.jupiter.api.Test;

class LoadResultTest {
    @Test
    void jsonLineRoundTrips() {
        LoadResult result = new LoadResult(1200, 10, 120, new Stats(1200, 5.5, 20.25, 1, 30.125, 6.5), 61_468,
                Map.of(200, 1198L, 503, 2L), 0);
        String json = result.toJson();
        assertFalse(json.contains("\n"));
        LoadResult back = LoadResult.fromJson(json);
        assertEquals(1200, back.requests());
        assertEquals(120.0, back.perSecond());
        assertEquals(5.5, back.latency().p50Ms());
        assertEquals(20.25, back.latency().p99Ms());
        assertEquals(30.125, back.latency().maxMs());
        assertEquals(61_468, back.meanBytes());
        assertEquals(Map.of(200, 1198L, 503, 2L), back.statuses());
        assertFalse(back.allOk());
    }

    @Test
    void noSamplesWriteNullAndReadNaN() {
        LoadResult empty = new LoadResult(0, 1, 0, Stats.ofNanos(new long[0]), 0, Map.of(), 0);
        assertTrue(empty.toJson().contains("\"p50_ms\":null"));
        assertTrue(Double.isNaN(LoadResult.fromJson(empty.toJson()).latency().p50Ms()));
    }
}
