package dev.iris.measure;

/**
 * One model at one intra-op thread setting, timed on the CPU. Immutable.
 *
 * @param modelId          the model pack
 * @param scale            2 or 4
 * @param threads          ORT intra-op threads of the session
 * @param hrWidth          restore output (and downscale input) width
 * @param hrHeight         restore output height
 * @param openMs           time to open both sessions (read, hash check, graph optimisation)
 * @param firstRestoreMs   the first restore of the fresh session (what a cold server pays once)
 * @param restore          restore times after that first run
 * @param downscale        downscale times (HR of the same size in, LR out), after one warm-up
 * @param heapPeakBytes    sum of the heap pools' peak usage during the timed runs (an upper bound of the Java heap
 *                         in use: the pools peak at different moments)
 * @param heapAllocatedPerRestore bytes this thread allocated on the Java heap per restore (the 8-bit output image
 *                         and its conversion; tensors are native)
 * @param gcCount          collections during the timed runs
 * @param gcMs             their accumulated time, as the GC beans report it
 * @param rssBeforeBytes   process resident set before the sessions were opened
 * @param rssAfterBytes    resident set after the runs, sessions still open (ORT keeps its arena)
 * @param rssPeakBytes     VmHWM: resident high-water mark from just before opening to the end of the runs (since
 *                         process start if {@code peakWasReset} is false)
 * @param peakWasReset     whether the kernel accepted the reset of VmHWM
 */
record ModelResult(String modelId, int scale, int threads, int hrWidth, int hrHeight, double openMs,
        double firstRestoreMs, Stats restore, Stats downscale, long heapPeakBytes, long heapAllocatedPerRestore,
        long gcCount, long gcMs, long rssBeforeBytes, long rssAfterBytes, long rssPeakBytes, boolean peakWasReset) {

    double outputMegapixels() {
        return hrWidth * (double) hrHeight / 1e6;
    }

    /** Median restore time per output megapixel, ms. */
    double restoreMsPerMp() {
        return restore.p50Ms() / outputMegapixels();
    }

    /** Median downscale time per input (HR) megapixel, ms. */
    double downscaleMsPerMp() {
        return downscale.p50Ms() / outputMegapixels();
    }
}
