package dev.iris.ort;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Native memory has owners: many create/run/close cycles must not grow the process. Surefire runs this class in
 * its own JVM with a fixed, pre-touched heap, so resident growth can only be native memory.
 */
class LeakTest {
    /** Resident growth allowed over the measured cycles: well below what one leaked session per cycle costs. */
    private static final long MAX_GROWTH_BYTES = 16L << 20;

    @Test
    void tenThousandCreateRunCloseCycles_doNotGrowResidentMemory() throws IOException {
        // -Dtest=LeakTest also runs it in the default execution, whose growing heap would count as a leak
        assumeTrue(ManagementFactory.getRuntimeMXBean().getInputArguments().contains("-XX:+AlwaysPreTouch"),
                "measured only in surefire's native-memory execution (a fixed, pre-touched heap)");
        byte[] model = TestModels.bytes("add.onnx");
        SessionOptions options = SessionOptions.defaults().withIntraOpThreads(1);
        cycles(model, options, 1_000); // warm up allocators, JIT and ORT's one-time state
        long before = residentBytes();
        cycles(model, options, 9_000);
        long growth = residentBytes() - before;
        assertTrue(growth < MAX_GROWTH_BYTES, "resident memory grew by " + (growth >> 10) + " KiB");
    }

    private static void cycles(byte[] model, SessionOptions options, int n) {
        OrtRuntime ort = OrtRuntime.get();
        float[] ones = new float[256];
        java.util.Arrays.fill(ones, 1);
        for (int i = 0; i < n; i++) {
            try (Session session = ort.open(model, options);
                    Arena arena = Arena.ofConfined();
                    RunControl control = ort.newRunControl()) {
                FloatTensor a = FloatTensor.copyOf(arena, ones, 256);
                try (RunResult result = session.run(Map.of("a", a, "b", a), control)) {
                    if (i % 1000 == 0) {
                        float[] twos = new float[256];
                        java.util.Arrays.fill(twos, 2);
                        assertArrayEquals(twos, result.first().toArray());
                    }
                }
            }
        }
    }

    /** VmRSS of this process, from /proc (Linux). */
    static long residentBytes() throws IOException {
        for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
            if (line.startsWith("VmRSS:")) {
                return Long.parseLong(line.replaceAll("\\D", "")) * 1024;
            }
        }
        throw new IllegalStateException("no VmRSS in /proc/self/status");
    }
}
