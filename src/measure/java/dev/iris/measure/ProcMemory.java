package dev.iris.measure;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * This process's resident memory from {@code /proc/self/status}: {@code VmRSS} (resident now: Java heap pages
 * touched, code, thread stacks, and native memory such as ONNX Runtime's arena and tensors) and {@code VmHWM} (the
 * highest VmRSS since start or since the last {@link #resetPeak()}). Linux only; -1 where unreadable. Stateless.
 *
 * @param rssBytes resident set now
 * @param hwmBytes resident high-water mark
 */
record ProcMemory(long rssBytes, long hwmBytes) {
    private static final Path STATUS = Path.of("/proc/self/status");

    static ProcMemory now() {
        try {
            long rss = -1;
            long hwm = -1;
            for (String line : Files.readAllLines(STATUS)) {
                if (line.startsWith("VmRSS:")) {
                    rss = kib(line);
                } else if (line.startsWith("VmHWM:")) {
                    hwm = kib(line);
                }
            }
            return new ProcMemory(rss, hwm);
        } catch (IOException | RuntimeException e) {
            return new ProcMemory(-1, -1);
        }
    }

    /**
     * Resets VmHWM to the current RSS (writing 5 to {@code /proc/self/clear_refs}, Linux 4.0+), so that a later
     * reading is the peak of what ran in between. Returns false if the kernel refused, in which case VmHWM is
     * the peak since the process started.
     */
    static boolean resetPeak() {
        try {
            Files.writeString(Path.of("/proc/self/clear_refs"), "5");
            return true;
        } catch (IOException | RuntimeException e) {
            return false;
        }
    }

    private static long kib(String line) {
        return Long.parseLong(line.replaceAll("[^0-9]", "")) * 1024;
    }
}
