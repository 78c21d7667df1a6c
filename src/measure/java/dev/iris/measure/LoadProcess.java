package dev.iris.measure;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;

/**
 * Starts {@link LoadGenerator} in a separate JVM (the same {@code java} and class path as this one) and reads its
 * one-line JSON result, so the load generator's CPU time is its own process's, not the server's. Stateless.
 */
final class LoadProcess {
    private LoadProcess() {}

    /** The command line used, for the report (class path shortened to its first entry). */
    static String describe(int concurrency, double seconds, double warmup) {
        return String.format(Locale.ROOT, "java -cp %s %s --concurrency %d --seconds %s --warmup %s URL...",
                Path.of(System.getProperty("java.class.path").split(java.io.File.pathSeparator)[0]).getFileName(),
                LoadGenerator.class.getName(), concurrency, LoadGenerator.num(seconds), LoadGenerator.num(warmup));
    }

    /** Runs the load against {@code urls} and waits for its result (killed after warm-up + time + 60 s). */
    static LoadResult run(List<URI> urls, int concurrency, double seconds, double warmup) {
        List<String> command = new ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-XX:+UseSerialGC", "-Xmx256m", // a small, quiet client: no parallel GC threads competing
                "-cp", System.getProperty("java.class.path"), LoadGenerator.class.getName(),
                "--concurrency", Integer.toString(concurrency), "--seconds", Double.toString(seconds),
                "--warmup", Double.toString(warmup)));
        urls.forEach(u -> command.add(u.toString()));
        try {
            Process process = new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.INHERIT).start();
            if (!process.waitFor((long) (seconds + warmup + 60), TimeUnit.SECONDS)) {
                process.destroyForcibly();
                throw new IllegalStateException("load generator did not finish in time");
            }
            String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
            if (process.exitValue() != 0 || out.isEmpty()) {
                throw new IllegalStateException("load generator exited " + process.exitValue() + ": " + out);
            }
            return LoadResult.fromJson(out.lines().reduce((a, b) -> b).orElseThrow());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start the load generator", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting for the load generator", e);
        }
    }
}
