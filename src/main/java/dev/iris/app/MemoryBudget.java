package dev.iris.app;

import dev.iris.asset.LrCodec;
import dev.iris.config.IrisConfig;
import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Whether the configured budgets fit the memory the process may use: the Java heap (which holds the caches and
 * the images being ingested or encoded) plus the native memory of model runs plus the native memory of encoding
 * the largest LR the limits allow (libwebp's, for WebP LRs) plus a fixed allowance for the JVM's own native memory
 * (code, metaspace, thread stacks, ORT's sessions), against the machine's memory or the container's limit (the JDK
 * reads cgroup limits). Immutable.
 *
 * @param heapBytes     the maximum heap ({@code -Xmx}, or the JVM's default)
 * @param cacheBytes    both caches' budgets together, which live on the heap
 * @param modelBytes    {@code limits.modelMemoryBytes}
 * @param lrEncodeBytes native memory of encoding the LR of the largest source allowed, at x2 (large encodes take
 *                      turns, so one is the most at once)
 * @param availableBytes what the process may use: the container's limit, else the machine's memory
 */
public record MemoryBudget(long heapBytes, long cacheBytes, long modelBytes, long lrEncodeBytes,
        long availableBytes) {
    /** The JVM's native memory beside the heap and the model runs, and ORT's loaded sessions: measured ~300 MB. */
    static final long JVM_AND_SESSIONS_BYTES = 512L << 20;

    static MemoryBudget of(IrisConfig config) {
        long available = ManagementFactory.getPlatformMXBean(com.sun.management.OperatingSystemMXBean.class)
                .getTotalMemorySize();
        LrCodec codec = LrCodec.byId(config.assets().lrCodec()).orElse(LrCodec.png());
        return new MemoryBudget(Runtime.getRuntime().maxMemory(),
                config.caches().sourceMaxBytes() + config.caches().encodedMaxBytes(),
                config.limits().modelMemoryBytes(), codec.encodeNativeBytes(config.limits().maxSourcePixels() / 4),
                available);
    }

    /** What does not fit, one line each; empty when everything does. */
    public List<String> problems() {
        List<String> problems = new ArrayList<>();
        long needed = heapBytes + modelBytes + lrEncodeBytes + JVM_AND_SESSIONS_BYTES;
        if (needed > availableBytes) {
            problems.add("heap " + mib(heapBytes) + " + model runs " + mib(modelBytes) + " + LR encoding "
                    + mib(lrEncodeBytes) + " + JVM and sessions " + mib(JVM_AND_SESSIONS_BYTES) + " = " + mib(needed)
                    + ", more than the " + mib(availableBytes) + " this process may use: lower -Xmx, "
                    + "limits.modelMemoryBytes or limits.maxSourceMegapixels, or raise the container's limit");
        }
        if (cacheBytes > heapBytes / 2) {
            problems.add("the caches may hold " + mib(cacheBytes) + ", more than half the " + mib(heapBytes)
                    + " heap, leaving too little for ingests and encoding: lower cache.sourceMaxBytes and "
                    + "cache.encodedMaxBytes, or raise -Xmx");
        }
        return problems;
    }

    /** For the health report. */
    Map<String, Object> report() {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("heapBytes", heapBytes);
        out.put("cacheBytes", cacheBytes);
        out.put("modelBytes", modelBytes);
        out.put("lrEncodeBytes", lrEncodeBytes);
        out.put("availableBytes", availableBytes);
        out.put("fits", problems().isEmpty());
        out.put("problems", problems());
        return out;
    }

    private static String mib(long bytes) {
        return (bytes >> 20) + " MiB";
    }
}
