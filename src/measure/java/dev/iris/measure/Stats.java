package dev.iris.measure;

import java.util.Arrays;

/**
 * Order statistics of a sample of durations: nearest-rank percentiles, so every reported value was actually
 * observed (no interpolation between two requests). Immutable and thread-safe.
 *
 * @param count  samples
 * @param p50Ms  median, ms
 * @param p99Ms  99th percentile, ms (with fewer than 100 samples this is the maximum)
 * @param minMs  fastest, ms
 * @param maxMs  slowest, ms
 * @param meanMs arithmetic mean, ms
 */
record Stats(int count, double p50Ms, double p99Ms, double minMs, double maxMs, double meanMs) {
    /** Statistics of {@code nanos} (not modified); all NaN when empty. */
    static Stats ofNanos(long[] nanos) {
        if (nanos.length == 0) {
            return new Stats(0, Double.NaN, Double.NaN, Double.NaN, Double.NaN, Double.NaN);
        }
        long[] sorted = nanos.clone();
        Arrays.sort(sorted);
        double sum = 0;
        for (long n : sorted) {
            sum += n;
        }
        return new Stats(sorted.length, ms(percentile(sorted, 50)), ms(percentile(sorted, 99)), ms(sorted[0]),
                ms(sorted[sorted.length - 1]), sum / sorted.length / 1e6);
    }

    /**
     * Nearest-rank percentile of an ascending array: the smallest value with at least {@code p}% of the samples
     * at or below it.
     */
    static long percentile(long[] sorted, double p) {
        if (sorted.length == 0 || p <= 0 || p > 100) {
            throw new IllegalArgumentException("need samples and 0 < p <= 100, got " + sorted.length + ", " + p);
        }
        int rank = (int) Math.ceil(p / 100.0 * sorted.length);
        return sorted[Math.max(1, rank) - 1];
    }

    private static double ms(long nanos) {
        return nanos / 1e6;
    }
}
