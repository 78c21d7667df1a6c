package dev.iris.measure;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * The machine a benchmark ran on, from {@code /proc/cpuinfo}, {@code /proc/meminfo} and the JVM, plus the FP32 peak
 * this report assumes for it. Immutable.
 *
 * @param cores            processors the JVM may use
 * @param cpuModel         {@code model name}, with family/model numbers (VMs often hide the marketing name)
 * @param mhz              {@code cpu MHz} as reported (on a VM usually the nominal clock; boost is not visible)
 * @param memoryBytes      {@code MemTotal}
 * @param jdk              vendor and version of the running JVM
 * @param ortVersion       ONNX Runtime version loaded
 * @param flopsPerCycle    FP32 FLOPs per cycle and core assumed (see {@link #peakBasis})
 * @param peakBasis        how {@code flopsPerCycle} was derived, in words
 */
record MachineInfo(int cores, String cpuModel, double mhz, long memoryBytes, String jdk, String ortVersion,
        int flopsPerCycle, String peakBasis) {

    /** FP32 peak of all cores the JVM may use, GFLOP/s: cores x GHz x FLOPs per cycle. */
    double peakGflops() {
        return cores * mhz / 1000 * flopsPerCycle;
    }

    static MachineInfo detect(String ortVersion) {
        List<String> cpuinfo = lines("/proc/cpuinfo");
        String model = field(cpuinfo, "model name", "unknown CPU");
        String vendor = field(cpuinfo, "vendor_id", "");
        int family = parseInt(field(cpuinfo, "cpu family", "0"));
        String modelNo = field(cpuinfo, "model", "?");
        double mhz = Double.parseDouble(field(cpuinfo, "cpu MHz", "0"));
        Set<String> flags = Arrays.stream(field(cpuinfo, "flags", "").split(" ")).collect(Collectors.toSet());
        long mem = parseInt(field(lines("/proc/meminfo"), "MemTotal", "0").replaceAll("[^0-9]", "")) * 1024L;
        int perCycle;
        String basis;
        // FMA = 2 FLOPs per lane; two FMA pipes per core on every core below. The width that counts is the
        // datapath, not the ISA: AMD Zen 4 (family 25) runs AVX-512 on 256-bit halves, Zen 5 (family 26) natively.
        boolean amd = vendor.contains("AMD");
        if (flags.contains("avx512f") && (!amd || family >= 26)) {
            perCycle = 64;
            basis = "AVX-512 with a full 512-bit datapath (" + (amd ? "AMD family " + family + " = Zen 5" : vendor)
                    + "): 2 FMA pipes x 16 FP32 lanes x 2 FLOPs";
        } else if (flags.contains("avx512f") || flags.contains("fma")) {
            perCycle = 32;
            basis = (flags.contains("avx512f") ? "AVX-512 on a 256-bit datapath (AMD family " + family + ")"
                    : "AVX2+FMA") + ": 2 FMA pipes x 8 FP32 lanes x 2 FLOPs";
        } else {
            perCycle = 8;
            basis = "no FMA: SSE, 2 pipes x 4 lanes";
        }
        String jdk = System.getProperty("java.vm.vendor") + " " + System.getProperty("java.runtime.version");
        return new MachineInfo(Runtime.getRuntime().availableProcessors(),
                model + " (" + vendor + " family " + family + " model " + modelNo + ")", mhz, mem, jdk, ortVersion,
                perCycle, basis);
    }

    String describe() {
        return String.format(Locale.ROOT, "%d cores, %s at %.0f MHz (as reported), %.1f GiB memory, %s, "
                + "ONNX Runtime %s", cores, cpuModel, mhz, memoryBytes / (double) (1L << 30), jdk, ortVersion);
    }

    private static List<String> lines(String file) {
        try {
            return Files.readAllLines(Path.of(file));
        } catch (IOException e) {
            return List.of();
        }
    }

    /** The first {@code key : value} line's value (the first processor's, for cpuinfo). */
    private static String field(List<String> lines, String key, String otherwise) {
        for (String line : lines) {
            int colon = line.indexOf(':');
            if (colon > 0 && line.substring(0, colon).trim().equals(key)) {
                return line.substring(colon + 1).trim();
            }
        }
        return otherwise;
    }

    /** The 1, 5 and 15 minute load averages from {@code /proc/loadavg}, space-separated; "n/a" if unreadable. */
    static String loadAverage() {
        try {
            String[] parts = Files.readString(Path.of("/proc/loadavg")).split(" ");
            return parts[0] + " " + parts[1] + " " + parts[2];
        } catch (IOException | RuntimeException e) {
            return "n/a";
        }
    }

    private static int parseInt(String s) {
        try {
            return Integer.parseInt(s.trim());
        } catch (NumberFormatException e) {
            return 0;
        }
    }
}
