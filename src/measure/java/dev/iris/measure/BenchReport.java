package dev.iris.measure;

import java.util.List;
import java.util.Locale;
import java.util.Optional;

/** Writes a {@link BenchRun} as the Markdown of {@code docs/BENCHMARKS.md}. Stateless. */
final class BenchReport {
    static final String STATIC = "static file: the 1200 px original JPEG (Jetty DefaultServlet)";
    static final String STATIC_SAME = "static file: iris's own w=800 output saved as a file (same bytes)";
    static final String IRIS_WARM = "iris, warm: /img w=800 (encoded-response cache hit)";
    static final String JAVA2D = "baseline: decode original + Java2D bicubic + JPEG q85, per request";
    static final String LR_BICUBIC = "baseline: stored LR + iris bicubic (no model) + JPEG q85, per request";

    private BenchReport() {}

    /**
     * Whether other work was running when the bench started: a 1-minute load average (the first field of
     * {@code /proc/loadavg}) above half the cores. An unreadable load average counts as busy.
     */
    static boolean busy(String loadAverage, int cores) {
        try {
            return Double.parseDouble(loadAverage.strip().split("\\s+")[0]) > cores / 2.0;
        } catch (NumberFormatException e) {
            return true;
        }
    }

    static String markdown(BenchRun run) {
        StringBuilder md = new StringBuilder();
        md.append("# iris benchmarks\n\n");
        if (busy(run.loadBefore(), run.machine().cores())) {
            md.append("> **Taken on a busy machine:** the 1-minute load average was `").append(run.loadBefore())
                    .append("` on ").append(run.machine().cores()).append(" cores when this run started, so other "
                    + "work shared the cores. Absolute numbers are pessimistic and noisy; the ratios, measured in "
                    + "the same run against the same server and load generator, mean more. Re-run on a quiet "
                    + "machine before quoting.\n\n");
        }
        md.append("## Machine and command\n\n");
        MachineInfo m = run.machine();
        md.append("- Machine: ").append(m.describe()).append('\n');
        md.append(f("- Assumed FP32 peak: %d cores x %.2f GHz x %d FLOP/cycle = **%.0f GFLOP/s** (%s; clock is the "
                + "`cpu MHz` the VM reports, boost unknown, so the true peak may be higher)%n", m.cores(),
                m.mhz() / 1000, m.flopsPerCycle(), m.peakGflops(), m.peakBasis()));
        md.append("- Load average (1/5/15 min) at start: `").append(run.loadBefore()).append("`, at end: `")
                .append(run.loadAfter()).append("`\n");
        md.append("- Command: `").append(run.command()).append("` (").append(run.date()).append(f(", %.0f s)%n",
                run.seconds()));
        md.append("- Server: iris in-process (IrisApp + IrisServer, default configuration except a temporary asset "
                + "store) on 127.0.0.1, the demo originals ingested with ").append(run.servingModel())
                .append(f("; serving.enlarge=%s.%n%n", run.enlarge()));

        modelSection(md, run);
        serverSection(md, run);
        md.append("\n## How it was measured\n\n"
                + "- Model: a fresh pair of ORT sessions per thread setting (`SessionOptions.withIntraOpThreads`, "
                + "CPU, other options as served), input a 1000x1000 HR (a demo photo resized) so the restore "
                + "outputs 1 MP; the LR is that HR's own learned downscale. One warm-up (reported as \"first\"), "
                + "then the median of the timed runs. Heap: peak of the heap memory pools during the timed runs "
                + "(MemoryPoolMXBean, reset before), bytes allocated by the timing thread (HotSpot ThreadMXBean), "
                + "GC count and time (GarbageCollectorMXBeans). Native: process RSS (`VmRSS`) before opening and "
                + "after the runs, and `VmHWM` (peak RSS, reset through `/proc/self/clear_refs` just before "
                + "opening), which covers heap + ORT arena + tensors.\n"
                + "- FLOPs: convolution multiply-adds counted from `model.json` `architecture` (levels, blocks, gc) "
                + "with the structure of `models/train/irn.py`; the formula's parameter count is checked against "
                + "`architecture.params`. Elementwise operations are not counted.\n"
                + "- Latency: sequential requests from the bench process over loopback (HTTP/1.1 keep-alive), "
                + "cycling over the demo images. Cold: each sample requests an asset no request has touched, a "
                + "copy of a demo original ingested (untimed, through `IrisApp.ingestFile`) under a new name just "
                + "for it, so no cache holds its LR, restore or encoded answer; the LR is read from the store (the "
                + "OS file cache is warm, as the ingest just wrote it). Warm: the demo images again "
                + "(encoded-response cache hits). Ingest times above include reading the file. With fewer than "
                + "100 samples p99 is the maximum.\n"
                + "- Throughput: `").append(LoadProcess.describe(run.settings().concurrency(),
                run.settings().seconds(), run.settings().warmupSeconds())).append("` — a separate JVM, closed loop, ")
                .append(run.settings().concurrency()).append(" platform threads, HTTP/1.1 keep-alive, round-robin "
                + "over the demo images; only requests started in the measured window count. Static files and "
                + "iris are served by iris's own server (`IrisServer`); the two per-request baselines by a "
                + "second Jetty in the same process with the same HTTP settings (the bench's `BaselineServer`, "
                + "`/bench/...` on its own loopback port), since the shipped server has no hook for extra "
                + "endpoints. Each row is loaded alone.\n");
        return md.toString();
    }

    private static void modelSection(StringBuilder md, BenchRun run) {
        md.append("## 1. Model (CPU, ONNX Runtime)\n\n");
        md.append("| model | intra-op threads | first restore | restore p50 (min–max), ms per output MP | "
                + "downscale p50, ms per input MP | achieved GFLOP/s (restore) | % of the peak of the cores used | session open |\n"
                + "|---|---|---|---|---|---|---|---|\n");
        for (ModelResult r : run.models()) {
            Optional<IrnCost> cost = Optional.ofNullable(run.costs().get(r.modelId()));
            double gflops = cost.map(c -> c.flopsPerHrPixel() * r.outputMegapixels() * 1e6 / (r.restore().p50Ms()
                    / 1000) / 1e9).orElse(Double.NaN);
            double mp = r.outputMegapixels();
            md.append(f("| %s (x%d) | %d | %.0f ms | %.0f (%.0f–%.0f) | %.0f | %s | %s | %.0f ms |%n", r.modelId(),
                    r.scale(), r.threads(), r.firstRestoreMs(), r.restoreMsPerMp(), r.restore().minMs() / mp,
                    r.restore().maxMs() / mp, r.downscaleMsPerMp(), num(gflops, "%.1f"),
                    num(100 * gflops / (run.machine().peakGflops() / run.machine().cores()
                            * Math.min(r.threads(), run.machine().cores())), "%.1f%%"), r.openMs()));
        }
        md.append(f("%nTimed runs per setting: %d restores, then %d downscales, each on a %dx%d HR (%.2f MP).%n%n",
                run.models().isEmpty() ? 0 : run.models().getFirst().restore().count(),
                run.models().isEmpty() ? 0 : run.models().getFirst().downscale().count(),
                run.models().isEmpty() ? 0 : run.models().getFirst().hrWidth(),
                run.models().isEmpty() ? 0 : run.models().getFirst().hrHeight(),
                run.models().isEmpty() ? 0 : run.models().getFirst().outputMegapixels()));

        md.append("**Memory** (same runs):\n\n| model | threads | heap peak (pools) | heap allocated per restore | "
                + "GCs (time) | RSS before open | RSS after runs | peak RSS (VmHWM) | peak − before |\n"
                + "|---|---|---|---|---|---|---|---|---|\n");
        for (ModelResult r : run.models()) {
            md.append(f("| %s | %d | %s | %s | %d (%d ms) | %s | %s | %s%s | %s |%n", r.modelId(), r.threads(),
                    mib(r.heapPeakBytes()), mib(r.heapAllocatedPerRestore()), r.gcCount(), r.gcMs(),
                    mib(r.rssBeforeBytes()), mib(r.rssAfterBytes()), mib(r.rssPeakBytes()),
                    r.peakWasReset() ? "" : " (since start)", mib(r.rssPeakBytes() - r.rssBeforeBytes())));
        }
        md.append("\nHeap = Java objects only (the restored 8-bit image, decode buffers); the float tensors and "
                + "ONNX Runtime's working memory are native and show up only in RSS. ORT's CPU arena is on and shrunk "
                + "after each run, as served, so \"RSS after\" is what the process keeps once the runs are done.\n\n");

        md.append("**Arithmetic** (counted, not measured):\n\n| model | conv MACs per output pixel | GFLOP per output MP "
                + "| params (formula / model.json) | widest feature map per output MP |\n|---|---|---|---|---|\n");
        run.costs().forEach((id, c) -> md.append(f("| %s | %,.0f | %.1f | %,d / %,d | %.0f MiB |%n", id,
                c.macsPerHrPixel(), c.flopsPerHrPixel() * 1e6 / 1e9, c.params(), c.declaredParams(),
                c.widestConcatFloatsPerHrPixel() * 4 * 1e6 / (1 << 20))));
        md.append('\n');
        limits(md, run);
    }

    /** The "what limits a cold 1-MP restore" paragraph, from the numbers of this run. */
    private static void limits(StringBuilder md, BenchRun run) {
        md.append("**What limits a cold 1-MP restore on 2 cores.** ");
        for (String id : run.models().stream().map(ModelResult::modelId).distinct().toList()) {
            List<ModelResult> rs = run.models().stream().filter(r -> r.modelId().equals(id)).toList();
            Optional<ModelResult> one = rs.stream().filter(r -> r.threads() == 1).findFirst();
            Optional<ModelResult> two = rs.stream().filter(r -> r.threads() == 2).findFirst();
            IrnCost cost = run.costs().get(id);
            if (one.isEmpty() || two.isEmpty() || cost == null) {
                continue;
            }
            double t1 = one.get().restoreMsPerMp();
            double t2 = two.get().restoreMsPerMp();
            double gflop = cost.flopsPerHrPixel() * 1e6 / 1e9;
            double gflops1 = gflop / (t1 / 1000);
            double gflops2 = gflop / (t2 / 1000);
            double corePeak = run.machine().peakGflops() / run.machine().cores();
            md.append(f("%s: %.1f GFLOP per output MP. A cold request pays one full restore; the first run of a "
                    + "fresh session (%.0f ms at 2 threads) costs about what later ones do (%.0f ms/MP at 2 threads, "
                    + "%.0f ms/MP at 1), so there is no large one-off warm-up: the restore itself is the cost. "
                    + "With 1 thread it reached %.1f GFLOP/s, %.0f%% of one core's assumed %.0f GFLOP/s peak; "
                    + "with 2 threads %.1f GFLOP/s, %.0f%% of the 2-core peak (speed-up %.2fx of an ideal 2x). ",
                    id, gflop, two.get().firstRestoreMs(), t2, t1, gflops1, 100 * gflops1 / corePeak, corePeak,
                    gflops2, 100 * gflops2 / run.machine().peakGflops(), t1 / t2));
            if (t1 / t2 < 1.3) {
                md.append(f("The second thread did not pay off here: the load average was %s on %d cores (the "
                        + "two trainings hold about a core each), and ORT's intra-op threads meet after every "
                        + "operator, so a restore split over two threads waits for whichever is descheduled. On "
                        + "this machine as it is, CPU time available is the first limit; one thread per restore "
                        + "is at least as fast and leaves the other core to decoding, encoding or a second "
                        + "restore (`limits.modelThreads`). ", run.loadBefore(), run.machine().cores()));
            }
            md.append(f("Even the better figure is far below the FMA peak, so arithmetic is not the limit: the "
                    + "network is many thin 3x3 convolutions (each with only the dense blocks' growth width or "
                    + "3 output channels, too few to fill wide FMA registers) joined by concatenations that "
                    + "re-read feature maps of up to %.0f MiB per output MP, far beyond the 1 MiB L2 per core and "
                    + "sharing the 32 MiB L3 with the trainings; memory traffic and per-operator overhead are the "
                    + "likely limit on a quiet machine. Memory: peak RSS grew by %s during 1-MP restores, which "
                    + "ORT's arena returns after each run. ", cost.widestConcatFloatsPerHrPixel() * 4 * 1e6 / (1 << 20),
                    mib(two.get().rssPeakBytes() - two.get().rssBeforeBytes())));
        }
        md.append("A profile of ORT per operator (`enable_profiling`) would confirm which operators dominate; "
                + "this run does not have one.\n\n");
    }

    private static void serverSection(StringBuilder md, BenchRun run) {
        md.append("## 2. End to end through the real server\n\n");
        run.ingestMs().forEach((name, ms) -> md.append(f("Ingest of %s: %.0f ms. ", name, ms)));
        md.append("\n\n**Latency, sequential requests** (`/img/{name}.jpg?w=N`, JPEG q85, cycling over the "
                + "demo images):\n\n| w | served width | path | cold p50 | cold p99 | model runs per "
                + "cold request | warm p50 | warm p99 | bytes (first image) |\n|---|---|---|---|---|---|---|---|---|\n");
        for (LatencyRow l : run.latency()) {
            md.append(f("| %d | %d%s | %s | %.0f ms | %.0f ms | %.2f | %.2f ms | %.2f ms | %,d |%n",
                    l.requestedWidth(), l.servedWidth(), l.servedWidth() < l.requestedWidth() ? " (capped)" : "",
                    l.restoreNeeded() ? "restore + Lanczos" : "LR + Lanczos (no model)", l.cold().p50Ms(),
                    l.cold().p99Ms(), l.modelRunsPerCold(), l.warm().p50Ms(), l.warm().p99Ms(), l.bytes()));
        }
        md.append(f("%nCold samples per width: %d; warm: %d. ", run.settings().coldRuns(),
                run.settings().warmRuns()));
        if (!run.enlarge()) {
            md.append("w=1600 is larger than the 1200 px originals and enlarging is off (the default), so it is "
                    + "served at the original size: the row measures a full-size restore, not an enlargement. ");
        }
        run.latency().stream().filter(l -> !l.restoreNeeded()).forEach(l -> md.append(f("w=%d fits in the "
                + "stored LR, so even cold it never runs the model (it reads and resamples the LR). ",
                l.requestedWidth())));
        md.append("\n\n");

        md.append(f("**Throughput, closed loop, concurrency %d, %.0f s each after %.0f s warm-up, from a separate "
                + "process** (w=800 where resized):%n%n", run.settings().concurrency(), run.settings().seconds(),
                run.settings().warmupSeconds()));
        md.append("| what | requests/s | vs static file | p50 | p99 | mean body bytes | MB/s | statuses |\n"
                + "|---|---|---|---|---|---|---|---|\n");
        double staticRps = run.throughputOf(STATIC).map(t -> t.result().perSecond()).orElse(Double.NaN);
        for (ThroughputRow t : run.throughput()) {
            LoadResult r = t.result();
            md.append(f("| %s | %.1f | %.2fx | %.1f ms | %.1f ms | %,d | %.0f | %s%s |%n", t.label(),
                    r.perSecond(), r.perSecond() / staticRps, r.latency().p50Ms(), r.latency().p99Ms(),
                    r.meanBytes(), r.perSecond() * r.meanBytes() / 1e6, r.statuses(),
                    r.errors() > 0 ? ", " + r.errors() + " errors" : ""));
        }
        md.append('\n');
        Optional<ThroughputRow> warm = run.throughputOf(IRIS_WARM);
        Optional<LatencyRow> cold800 = run.latency().stream().filter(l -> l.requestedWidth() == 800).findFirst();
        if (warm.isPresent()) {
            double ratio = warm.get().result().perSecond() / staticRps;
            md.append(f("**Summary.** Warm iris serves %.1f requests/s against %.1f for the static original, "
                    + "%.2fx the static file's throughput (target: within 2x, i.e. at least 0.5x — %s). ",
                    warm.get().result().perSecond(), staticRps, ratio, ratio >= 0.5 ? "met" : "not met"));
        }
        run.throughputOf(STATIC_SAME).ifPresent(same -> warm.ifPresent(w -> md.append(f("Against a static file "
                + "of the same bytes (iris's own 800 px output saved to disk and served by the DefaultServlet), "
                + "warm iris reaches %.2fx. ", w.result().perSecond() / same.result().perSecond()))));
        cold800.ifPresent(l -> md.append(f("A cold w=800 request (restore of a 1200 px original, ~1 MP, on the "
                + "server's default 2-run pool) takes %.0f ms at the median. ", l.cold().p50Ms())));
        run.throughputOf(JAVA2D).ifPresent(j -> warm.ifPresent(w -> md.append(f("Per-request Java2D resizing "
                + "reaches %.1f requests/s, so warm iris is %.1fx the throughput of a site that resizes on every "
                + "request. ", j.result().perSecond(), w.result().perSecond() / j.result().perSecond()))));
        md.append("Bodies differ in size: the static original is the full 1200 px JPEG, the others are 800 px "
                + "q85, so per request the original moves several times more bytes (compare MB/s, and the "
                + "same-bytes static row). Both "
                + "the server and the load generator share the same 2 busy cores, so neither row is Jetty's "
                + "ceiling on a dedicated machine.\n");
    }

    private static String mib(long bytes) {
        return bytes < 0 ? "n/a" : f("%.0f MiB", bytes / (double) (1 << 20));
    }

    private static String num(double v, String format) {
        return Double.isFinite(v) ? f(format, v) : "n/a";
    }

    private static String f(String format, Object... args) {
        return String.format(Locale.ROOT, format, args);
    }
}
