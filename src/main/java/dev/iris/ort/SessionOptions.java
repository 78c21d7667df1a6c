package dev.iris.ort;

/**
 * How a session runs.
 *
 * @param intraOpThreads threads one operator may use; 0 lets ORT pick (one per physical core)
 * @param interOpThreads threads for running independent operators in parallel; 0 lets ORT pick
 * @param optimization   how far ORT rewrites the graph when loading it
 * @param cpuArena       whether ORT keeps freed CPU buffers in an arena for reuse (faster, but the process keeps
 *                       the peak memory of the largest run)
 * @param allowSpinning  whether idle ORT threads spin; off by default because a server shares its cores with
 *                       the threads that decode and encode images
 * @param provider       CPU, or CUDA with a fallback to the CPU
 */
public record SessionOptions(int intraOpThreads, int interOpThreads, GraphOptimization optimization,
        boolean cpuArena, boolean allowSpinning, ExecutionProvider provider) {
    public SessionOptions {
        if (intraOpThreads < 0 || interOpThreads < 0) {
            throw new IllegalArgumentException("thread counts must be >= 0, got intra " + intraOpThreads
                    + " and inter " + interOpThreads);
        }
    }

    /** ORT's defaults, full graph optimisation, CPU arena on, no spinning, on the CPU. */
    public static SessionOptions defaults() {
        return new SessionOptions(0, 0, GraphOptimization.ALL, true, false, ExecutionProvider.cpu());
    }

    public SessionOptions withIntraOpThreads(int threads) {
        return new SessionOptions(threads, interOpThreads, optimization, cpuArena, allowSpinning, provider);
    }

    public SessionOptions withCpuArena(boolean on) {
        return new SessionOptions(intraOpThreads, interOpThreads, optimization, on, allowSpinning, provider);
    }

    public SessionOptions withProvider(ExecutionProvider executionProvider) {
        return new SessionOptions(intraOpThreads, interOpThreads, optimization, cpuArena, allowSpinning,
                executionProvider);
    }
}
