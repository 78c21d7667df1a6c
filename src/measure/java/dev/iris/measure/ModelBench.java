package dev.iris.measure;

import dev.iris.image.Filter;
import dev.iris.image.Resampler;
import dev.iris.image.Rgb8Image;
import dev.iris.model.ModelPack;
import dev.iris.model.Rescaler;
import dev.iris.ort.ExecutionProvider;
import dev.iris.ort.OrtRuntime;
import dev.iris.ort.RunControl;
import dev.iris.ort.SessionOptions;
import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.nio.file.Path;
import java.util.List;

/**
 * Times one model pack's restore and downscale on the CPU at a given number of intra-op threads, on a fresh pair of
 * sessions (so settings do not share ORT state), and records heap and resident memory around the runs. Runs are
 * sequential and bounded by count. Not thread-safe: one measurement at a time, since it reads process-wide
 * memory counters.
 */
final class ModelBench {
    private final OrtRuntime ort;
    private final int runs;
    /** Run options of the sessions being measured, as IrisApp gives its runs. */
    private java.util.Map<String, String> runConfig = java.util.Map.of();

    /** @param runs timed runs per operation after the warm-up (at least 5 for a meaningful median) */
    ModelBench(OrtRuntime ort, int runs) {
        if (runs < 1) {
            throw new IllegalArgumentException("runs must be >= 1, got " + runs);
        }
        this.ort = ort;
        this.runs = runs;
    }

    /** A test HR of exactly {@code side x side} from a photo (stretched if needed; content matters, not shape). */
    static Rgb8Image hrOfSide(Rgb8Image photo, int side) {
        return Resampler.resize(photo, side, side, Filter.LANCZOS3);
    }

    /** Measures the model in {@code modelDir} with {@code threads} intra-op threads on {@code hr}. */
    ModelResult measure(Path modelDir, int threads, Rgb8Image hr) {
        System.gc(); // start each setting from a collected heap, so its peak is its own
        boolean reset = ProcMemory.resetPeak();
        long rssBefore = ProcMemory.now().rssBytes();
        SessionOptions options = SessionOptions.defaults().withCpuArena(true).withIntraOpThreads(threads)
                .withProvider(ExecutionProvider.cpu()); // as served, with runs shrinking the arena (runConfig)
        runConfig = options.runConfig();
        long t0 = System.nanoTime();
        try (ModelPack pack = ModelPack.open(ort, modelDir, options)) {
            double openMs = (System.nanoTime() - t0) / 1e6;
            Rescaler model = new Rescaler(pack);
            Rgb8Image lr = run(c -> model.downscale(hr, c)); // also the downscale warm-up
            long first = System.nanoTime();
            run(c -> model.restore(lr, hr.width(), hr.height(), c));
            double firstRestoreMs = (System.nanoTime() - first) / 1e6;

            List<MemoryPoolMXBean> heap = ManagementFactory.getMemoryPoolMXBeans().stream()
                    .filter(p -> p.getType() == MemoryType.HEAP).toList();
            heap.forEach(MemoryPoolMXBean::resetPeakUsage);
            long gcCount = gcCount();
            long gcMs = gcMs();
            long allocated = allocatedBytes();
            long[] restore = new long[runs];
            for (int i = 0; i < runs; i++) {
                long start = System.nanoTime();
                run(c -> model.restore(lr, hr.width(), hr.height(), c));
                restore[i] = System.nanoTime() - start;
            }
            long perRestore = (allocatedBytes() - allocated) / runs;
            long[] down = new long[runs];
            for (int i = 0; i < runs; i++) {
                long start = System.nanoTime();
                run(c -> model.downscale(hr, c));
                down[i] = System.nanoTime() - start;
            }
            long heapPeak = heap.stream().mapToLong(p -> p.getPeakUsage().getUsed()).sum();
            ProcMemory after = ProcMemory.now();
            return new ModelResult(pack.id(), pack.scale(), threads, hr.width(), hr.height(), openMs,
                    firstRestoreMs, Stats.ofNanos(restore), Stats.ofNanos(down), heapPeak, perRestore,
                    gcCount() - gcCount, gcMs() - gcMs, rssBefore, after.rssBytes(), after.hwmBytes(), reset);
        }
    }

    /** Runs one model call with its own run control, like a request does. */
    private Rgb8Image run(java.util.function.Function<RunControl, Rgb8Image> call) {
        try (RunControl control = ort.newRunControl(runConfig)) {
            return call.apply(control);
        }
    }

    private static long gcCount() {
        return ManagementFactory.getGarbageCollectorMXBeans().stream()
                .mapToLong(GarbageCollectorMXBean::getCollectionCount).filter(c -> c > 0).sum();
    }

    private static long gcMs() {
        return ManagementFactory.getGarbageCollectorMXBeans().stream()
                .mapToLong(GarbageCollectorMXBean::getCollectionTime).filter(c -> c > 0).sum();
    }

    /** Heap bytes allocated by this thread so far (HotSpot's extension of ThreadMXBean), or 0 if unsupported. */
    private static long allocatedBytes() {
        if (ManagementFactory.getThreadMXBean() instanceof com.sun.management.ThreadMXBean hotspot
                && hotspot.isThreadAllocatedMemorySupported()) {
            return hotspot.getCurrentThreadAllocatedBytes();
        }
        return 0;
    }
}
