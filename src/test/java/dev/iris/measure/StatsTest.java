package dev.iris.measure;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class StatsTest {
    @Test
    void nearestRankPercentilesAreObservedValues() {
        long[] sorted = new long[100];
        for (int i = 0; i < sorted.length; i++) {
            sorted[i] = i + 1; // 1..100
        }
        assertEquals(50, Stats.percentile(sorted, 50));
        assertEquals(99, Stats.percentile(sorted, 99));
        assertEquals(100, Stats.percentile(sorted, 100));
        assertEquals(1, Stats.percentile(sorted, 0.5));
    }

    @Test
    void smallSamplesGiveMaximumAsP99AndLowerMedian() {
        Stats stats = Stats.ofNanos(new long[] {4_000_000, 1_000_000, 3_000_000, 2_000_000});
        assertEquals(2.0, stats.p50Ms()); // rank ceil(0.5 * 4) = 2: the lower middle, an observed value
        assertEquals(4.0, stats.p99Ms());
        assertEquals(1.0, stats.minMs());
        assertEquals(2.5, stats.meanMs());
        assertEquals(4, stats.count());
    }

    @Test
    void doesNotReorderTheCallersArray() {
        long[] samples = {3, 1, 2};
        Stats.ofNanos(samples);
        assertEquals(3, samples[0]);
    }

    @Test
    void emptySampleIsNaNNotAnError() {
        assertTrue(Double.isNaN(Stats.ofNanos(new long[0]).p50Ms()));
        assertThrows(IllegalArgumentException.class, () -> Stats.percentile(new long[0], 50));
    }
}
