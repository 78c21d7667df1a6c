package dev.iris.ort;

import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;

/**
 * How a session runs.
 *
 * @param intraOpThreads threads one operator may use; 0 lets ORT pick (one per physical core)
 * @param aloneIntraOpThreads threads one operator may use while its run's work is the only model work in
 *                       progress ({@link RunControl#runAlone}); above {@code intraOpThreads}, the session keeps a
 *                       second ORT session of that width, opened at its first such run; 0 for none. (A server
 *                       sizes {@code intraOpThreads} for all its runs at once, which leaves cores idle whenever one
 *                       runs alone.)
 * @param interOpThreads threads for running independent operators in parallel; 0 lets ORT pick
 * @param optimization   how far ORT rewrites the graph when loading it
 * @param cpuArena       whether ORT keeps freed CPU buffers in an arena for reuse within and across runs (faster, and
 *                       with {@link #runConfig()} shrunk back after each run, so the process does not keep the peak)
 * @param allowSpinning  whether idle ORT threads spin; off by default because a server shares its cores with
 *                       the threads that decode and encode images
 * @param provider       CPU, or CUDA with a fallback to the CPU
 * @param profilePrefix  when present, ORT profiles every run of the session into a JSON trace whose file name
 *                       starts with this path, written by {@link Session#endProfiling} (for measurement only)
 */
public record SessionOptions(int intraOpThreads, int aloneIntraOpThreads, int interOpThreads,
        GraphOptimization optimization, boolean cpuArena, boolean allowSpinning, ExecutionProvider provider,
        Optional<Path> profilePrefix) {
    public SessionOptions {
        if (intraOpThreads < 0 || aloneIntraOpThreads < 0 || interOpThreads < 0) {
            throw new IllegalArgumentException("thread counts must be >= 0, got intra " + intraOpThreads
                    + ", alone " + aloneIntraOpThreads + " and inter " + interOpThreads);
        }
    }

    /** ORT's defaults, full graph optimisation, CPU arena on, no spinning, on the CPU, not profiled. */
    public static SessionOptions defaults() {
        return new SessionOptions(0, 0, 0, GraphOptimization.ALL, true, false, ExecutionProvider.cpu(),
                Optional.empty());
    }

    /**
     * The run configuration entries ({@link OrtRuntime#newRunControl(Map)}) that runs of sessions opened with these
     * options get: with the CPU arena on, ORT shrinks it at the end of each run, returning what the run no longer
     * holds, so the arena saves a run its allocations without keeping its peak afterwards; nothing without the
     * arena (ORT rejects a shrink request for an arena that does not exist).
     */
    public Map<String, String> runConfig() {
        return cpuArena ? Map.of("memory.enable_memory_arena_shrinkage", "cpu:0") : Map.of();
    }

    public SessionOptions withIntraOpThreads(int threads) {
        return new SessionOptions(threads, aloneIntraOpThreads, interOpThreads, optimization, cpuArena,
                allowSpinning, provider, profilePrefix);
    }

    public SessionOptions withAloneIntraOpThreads(int threads) {
        return new SessionOptions(intraOpThreads, threads, interOpThreads, optimization, cpuArena, allowSpinning,
                provider, profilePrefix);
    }

    /** Whether a run that is alone gets a wider session than the others. */
    boolean widensAlone() {
        return intraOpThreads > 0 && aloneIntraOpThreads > intraOpThreads;
    }

    public SessionOptions withCpuArena(boolean on) {
        return new SessionOptions(intraOpThreads, aloneIntraOpThreads, interOpThreads, optimization, on,
                allowSpinning, provider, profilePrefix);
    }

    public SessionOptions withProvider(ExecutionProvider executionProvider) {
        return new SessionOptions(intraOpThreads, aloneIntraOpThreads, interOpThreads, optimization, cpuArena,
                allowSpinning, executionProvider, profilePrefix);
    }

    public SessionOptions withOptimization(GraphOptimization level) {
        return new SessionOptions(intraOpThreads, aloneIntraOpThreads, interOpThreads, level, cpuArena,
                allowSpinning, provider, profilePrefix);
    }

    public SessionOptions withSpinning(boolean on) {
        return new SessionOptions(intraOpThreads, aloneIntraOpThreads, interOpThreads, optimization, cpuArena, on,
                provider, profilePrefix);
    }

    public SessionOptions withProfiling(Path prefix) {
        return new SessionOptions(intraOpThreads, aloneIntraOpThreads, interOpThreads, optimization, cpuArena,
                allowSpinning, provider, Optional.of(prefix));
    }
}
