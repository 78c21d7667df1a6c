package dev.iris.measure;

import dev.iris.app.IrisApp;
import dev.iris.config.ConfigLoader;
import dev.iris.config.IrisConfig;
import dev.iris.model.ModelException;
import dev.iris.model.Rescaler;
import dev.iris.server.IrisServer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDateTime;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * {@code iris loadtest [--seconds 180] [--windows 6] [--rss-budget-mb 3072] [--soak-seconds 0] [--out docs/LOADTEST.md]}:
 * a bounded
 * overload test on loopback. iris runs in-process with small caches (so restores keep happening) and a short model
 * queue; a separate load-generator process sends mixed sizes and formats at twice the model path's capacity
 * (runs at once + queue; at least 16), window after window. Passes (exit 0) only if every answer is 200, 304 or 503, p99 stays
 * within the request time limit plus 2 s, and resident memory stays under the budget without growing after the
 * first window. With {@code --soak-seconds}, a {@link Soak} follows on the same server.
 */
final class LoadTestCommand {
    private static final int[] WIDTHS = {200, 400, 640, 800, 1000, 1200};
    private static final Set<Integer> ALLOWED = Set.of(200, 304, 503);
    private static final int COPIES = 3;
    /** The soak ingests over HTTP, as a site would; the token of this throwaway, loopback-only server. */
    private static final String SOAK_TOKEN = "loadtest-soak";

    private LoadTestCommand() {}

    /**
     * @param rssBytes      the server process's resident memory after the window
     * @param heapCommitted Java heap committed then: the JVM grows it on demand, so resident growth is judged on
     *                      the rest (native memory: ORT arenas, tensors, code)
     */
    record Window(int index, LoadResult load, long rssBytes, long heapCommitted) {
        long nativeBytes() {
            return rssBytes - heapCommitted;
        }
    }

    static int run(Path configFile, Map<String, String> overrides, Path base, Path out, double seconds, int windows,
            long rssBudgetBytes, double soakSeconds) {
        try (Scratch scratch = Scratch.create("iris-loadtest-")) {
            Map<String, String> settings = scratch.loopbackSettings(overrides);
            settings.putIfAbsent("cache.sourceMaxBytes", Long.toString(8L << 20)); // ~2 restored originals
            settings.putIfAbsent("cache.encodedMaxBytes", Long.toString(4L << 20));
            // nor a restored tier, which would serve every restore after the first window without the model
            settings.putIfAbsent("assets.restoredMaxBytes", "0");
            settings.putIfAbsent("limits.queueLength", "0");
            settings.put("assets.ingestToken", SOAK_TOKEN);
            return run(ConfigLoader.load(Optional.of(configFile), settings, base), scratch, out, seconds, windows,
                    rssBudgetBytes, soakSeconds);
        }
    }

    private static int run(IrisConfig config, Scratch scratch, Path out, double seconds, int windows,
            long rssBudgetBytes, double soakSeconds) {
        int runs = IrisApp.concurrentRuns(config);
        int concurrency = Math.max(16, 2 * (runs + config.limits().queueLength()));
        String loadBefore = MachineInfo.loadAverage();
        List<Window> results = new ArrayList<>();
        Soak.Result soak = null;
        try (IrisApp app = IrisApp.start(config)) {
            Path originals = config.server().webappDir().resolve("originals");
            List<Path> photos = BenchCommand.jpegs(originals);
            Rescaler model = app.models().flatMap(m -> m.forScale(config.assets().demoScale()))
                    .orElseThrow(() -> new ModelException("no model of scale " + config.assets().demoScale()));
            List<String> names = ingestCopies(scratch, app, photos, model);
            try (IrisServer server = new IrisServer(app).start()) {
                List<URI> urls = new ArrayList<>();
                for (String name : names) {
                    for (int w : WIDTHS) {
                        for (String ext : List.of("jpg", "webp")) {
                            urls.add(URI.create("http://127.0.0.1:" + server.port() + "/img/" + name + "." + ext
                                    + "?w=" + w));
                        }
                    }
                }
                java.util.Collections.shuffle(urls, new java.util.Random(7));
                double windowSeconds = seconds / windows;
                for (int i = 1; i <= windows; i++) {
                    LoadResult load = LoadProcess.run(urls, concurrency, windowSeconds, i == 1 ? 3 : 0);
                    long heap = java.lang.management.ManagementFactory.getMemoryMXBean().getHeapMemoryUsage()
                            .getCommitted();
                    Window window = new Window(i, load, ProcMemory.now().rssBytes(), heap);
                    System.out.printf(Locale.ROOT, "window %d: %s, server RSS %d MiB (heap committed %d MiB)%n", i,
                            load.toJson(), window.rssBytes() >> 20, heap >> 20);
                    results.add(window);
                }
                if (soakSeconds > 0) {
                    soak = Soak.run(app, server.port(), SOAK_TOKEN, urls, concurrency, soakSeconds);
                }
            }
            List<String> failures = new ArrayList<>(check(results, config.limits().requestTimeout().toMillis() + 2000,
                    rssBudgetBytes));
            String md = report(results, failures, concurrency, runs, config, seconds, loadBefore, rssBudgetBytes,
                    urls(photos));
            if (soak != null) {
                failures.addAll(soak.failures());
                md += Soak.report(soak);
            }
            Files.createDirectories(out.toAbsolutePath().getParent());
            Files.writeString(out, md);
            failures.forEach(f -> System.err.println("iris loadtest: FAILED " + f));
            System.out.println("iris loadtest: wrote " + out + (failures.isEmpty() ? " (passed)" : " (FAILED)"));
            return failures.isEmpty() ? 0 : 1;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (Exception e) {
            System.err.println("iris loadtest: " + e);
            return 1;
        }
    }

    /**
     * Each original under {@value #COPIES} names: more distinct assets than the model path can restore at once, so
     * that overload (and 503) really happens instead of being absorbed by request coalescing.
     */
    private static List<String> ingestCopies(Scratch scratch, IrisApp app, List<Path> photos, Rescaler model) {
        List<String> names = new ArrayList<>();
        for (Path photo : photos) {
            String stem = photo.getFileName().toString().replaceFirst("\\.jpg$", "");
            for (int copy = 1; copy <= COPIES; copy++) {
                names.add(scratch.ingestAs(app, photo, stem + "-" + copy, model).name());
            }
        }
        return names;
    }

    private static int urls(List<Path> photos) {
        return photos.size() * COPIES * WIDTHS.length * 2;
    }

    /** Every broken promise, one line each; empty when the run passed. */
    static List<String> check(List<Window> windows, double p99LimitMs, long rssBudget) {
        List<String> failures = new ArrayList<>();
        long baseline = windows.getFirst().nativeBytes();
        for (Window w : windows) {
            w.load().statuses().keySet().stream().filter(s -> !ALLOWED.contains(s)).forEach(s -> failures.add(
                    "window " + w.index() + ": status " + s + " appeared"));
            if (w.load().errors() > 0) {
                failures.add("window " + w.index() + ": " + w.load().errors() + " requests got no answer");
            }
            if (w.load().latency().p99Ms() > p99LimitMs) {
                failures.add(String.format(Locale.ROOT, "window %d: p99 %.0f ms over %.0f ms", w.index(),
                        w.load().latency().p99Ms(), p99LimitMs));
            }
            if (w.rssBytes() > rssBudget) {
                failures.add("window " + w.index() + ": resident " + (w.rssBytes() >> 20) + " MiB over the budget of "
                        + (rssBudget >> 20) + " MiB");
            }
            // After the first window (arenas and caches filled), native growth of more than 10% + 64 MiB is a leak.
            if (w.index() > 1 && w.nativeBytes() > baseline * 1.10 + (64L << 20)) {
                failures.add("window " + w.index() + ": native memory (resident minus heap) grew from "
                        + (baseline >> 20) + " to " + (w.nativeBytes() >> 20) + " MiB");
            }
        }
        return failures;
    }

    private static String report(List<Window> windows, List<String> failures, int concurrency, int runs,
            IrisConfig config, double seconds, String loadBefore, long rssBudget, int urlCount) {
        StringBuilder md = new StringBuilder("# iris load test\n\n");
        md.append("Command: `./iris loadtest --seconds ").append(LoadTestNumbers.num(seconds)).append(" --windows ")
                .append(windows.size()).append("`. Date: ").append(LocalDateTime.now().truncatedTo(ChronoUnit.SECONDS))
                .append(". Machine: ").append(Runtime.getRuntime().availableProcessors()).append(" cores; load average ")
                .append("at start ").append(loadBefore).append(".\n\n")
                .append("iris in-process on 127.0.0.1 with ").append(runs).append(" model runs at once and a queue of ")
                .append(config.limits().queueLength()).append(" (capacity ").append(runs + config.limits().queueLength())
                .append("), caches shrunk to ").append(config.caches().sourceMaxBytes() >> 20).append(" MiB (pixels) and ")
                .append(config.caches().encodedMaxBytes() >> 20).append(" MiB (encoded) and the restored tier ")
                .append(config.assets().restoredMaxBytes() == 0 ? "off" : "on")
                .append(" so that restores keep happening. ")
                .append("A separate load-generator process keeps ").append(concurrency).append(" requests in flight ")
                .append("(at least twice the capacity) over ").append(urlCount).append(" URLs (demo originals, each ingested as ").append(COPIES).append(" assets, x widths ")
                .append(java.util.Arrays.toString(WIDTHS)).append(" x JPEG/WebP), shuffled.\n\n")
                .append("Promises checked: only 200, 304 and 503; every request answered; p99 within the request time ")
                .append("limit + 2 s (").append(config.limits().requestTimeout().toMillis() + 2000).append(" ms); server ")
                .append("resident memory under ").append(rssBudget >> 20).append(" MiB and not growing after window 1 ")
                .append("(native part, resident minus committed heap, by more than 10% + 64 MiB).\n\n")
                .append("| window | requests/s | 200 | 503 | other | no answer | p50 ms | p99 ms | max ms | server RSS MiB "
                        + "| heap committed MiB | native MiB |\n")
                .append("|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|\n");
        for (Window w : windows) {
            Map<Integer, Long> s = w.load().statuses();
            long other = s.entrySet().stream().filter(e -> e.getKey() != 200 && e.getKey() != 503)
                    .mapToLong(Map.Entry::getValue).sum();
            md.append(String.format(Locale.ROOT, "| %d | %.1f | %d | %d | %d | %d | %.0f | %.0f | %.0f | %d | %d | %d |%n",
                    w.index(), w.load().perSecond(), s.getOrDefault(200, 0L), s.getOrDefault(503, 0L), other,
                    w.load().errors(), w.load().latency().p50Ms(), w.load().latency().p99Ms(),
                    w.load().latency().maxMs(), w.rssBytes() >> 20, w.heapCommitted() >> 20, w.nativeBytes() >> 20));
        }
        md.append("\nResult: ").append(failures.isEmpty() ? "**passed**." : "**failed**:\n\n- "
                + String.join("\n- ", failures)).append('\n');
        return md.toString();
    }

    /** Number formatting for the report. */
    private static final class LoadTestNumbers {
        static String num(double v) {
            return v == Math.rint(v) ? Long.toString((long) v) : Double.toString(v);
        }
    }
}
