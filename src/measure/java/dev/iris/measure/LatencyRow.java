package dev.iris.measure;

/**
 * Sequential request latency at one requested width, through the real server. Immutable.
 *
 * @param requestedWidth  {@code w=} of the request
 * @param servedWidth     width of the image returned (smaller than asked when enlarging is off)
 * @param restoreNeeded   whether this width needs the model (the output is larger than the LR holds)
 * @param cold            latency with both caches emptied before each request
 * @param modelRunsPerCold model runs the server counted per cold request (from {@code /iris/metrics})
 * @param warm            latency of repeated requests answered from the encoded-response cache
 * @param bytes           body bytes of the first image's response
 */
record LatencyRow(int requestedWidth, int servedWidth, boolean restoreNeeded, Stats cold,
        double modelRunsPerCold, Stats warm, long bytes) {}
