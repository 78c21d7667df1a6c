package dev.iris.measure;

import java.util.List;
import java.util.Locale;

/** The Markdown section {@code iris first-request} writes. Stateless. */
final class FirstRequestReport {
    private FirstRequestReport() {}

    static String markdown(MachineInfo m, String command, String date, String loadBefore, String loadAfter,
            String model, List<FirstRequestCommand.Row> rows) {
        StringBuilder md = new StringBuilder();
        md.append("## First request after an ingest and after a restart\n\n");
        md.append(f("- Machine: %s. Command: `%s` (%s); load average at start `%s`, at end `%s`. The 2 cores were "
                + "shared with a model training throughout (not paused), so every time here is slower than on a quiet "
                + "machine, iris's and the baselines' alike; they ran one after another in the same run.%n",
                m.describe(), command, date, loadBefore, loadAfter));
        md.append(f("- Each source: the last demo photo resized to the size shown (4:3), uploaded as JPEG q90 over HTTP "
                + "(`PUT /iris/assets/{name}?scale=2`, model %s, the default configuration: two model runs at once, "
                + "one intra-op thread each), then `GET /img/{name}.jpg?w=%d` over loopback, one request per cell "
                + "(so single samples). Model runs are read from `iris_model_run_seconds_count`.%n",
                model, FirstRequestCommand.WIDTH));
        md.append("- *after restart*: a new server on the same store (empty caches): the request restores. *provisional*: "
                + "the same with `serving.restoreWaitMs=0`, answered from the LR at once (`Cache-Control` as shown). "
                + "*window only*: the same source ingested by a server whose source cache is too small to keep its "
                + "restore (an eighth of `cache.sourceMaxBytes`), so the ingest restores only its 1024-px measuring "
                + "window and the first request restores the whole.\n");
        md.append("- vipsthumbnail: `vipsthumbnail source.jpg --size 1600 -o out.jpg[Q=85]`, process start included; "
                + "nginx: `image_filter resize 1600 -` (GD, q85) on the same file, each request resized anew. First and "
                + "median of 5 more.\n\n");
        md.append(f("| source | JPEG bytes | ingest (model runs) | w=%d after ingest (model runs) | warm | after restart (model runs) "
                + "| provisional | window only: ingest | window only: first request (model runs) | vipsthumbnail first / median "
                + "| nginx image_filter first / median |%n", FirstRequestCommand.WIDTH));
        md.append("|---|---|---|---|---|---|---|---|---|---|---|\n");
        for (FirstRequestCommand.Row r : rows) {
            md.append(f("| %.1f MP (%dx%d) | %,d | %.0f ms (%d) | %.0f ms (%d) | %.1f ms | %.0f ms (%d) | %.0f ms, `%s` "
                    + "| %s | %s | %s | %s |%n", r.megapixels(), r.width(), r.height(), r.sourceBytes(), r.ingestMs(),
                    r.ingestRuns(), r.afterIngestMs(), r.afterIngestRuns(), r.warmMs(), r.afterRestartMs(),
                    r.afterRestartRuns(), r.provisionalMs(), r.provisionalCacheControl(),
                    Double.isNaN(r.windowIngestMs()) ? "– (restored whole anyway)" : f("%.0f ms", r.windowIngestMs()),
                    Double.isNaN(r.windowFirstMs()) ? "–" : f("%.0f ms (%d)", r.windowFirstMs(), r.windowFirstRuns()),
                    pair(r.baselines().vipsFirstMs(), r.baselines().vipsMedianMs()),
                    pair(r.baselines().nginxFirstMs(), r.baselines().nginxMedianMs())));
        }
        md.append("\nIngest per source MP (decode, learned downscale, the measuring restore, PNG encode, store): ");
        for (FirstRequestCommand.Row r : rows) {
            md.append(f("%.1f MP: %.0f ms/MP; ", r.megapixels(), r.ingestMs() / r.megapixels()));
        }
        md.setLength(md.length() - 2);
        md.append(".\n");
        return md.toString();
    }

    private static String pair(double first, double median) {
        return Double.isNaN(first) ? "not installed" : f("%.0f / %.0f ms", first, median);
    }

    private static String f(String format, Object... args) {
        return String.format(Locale.ROOT, format, args);
    }
}
