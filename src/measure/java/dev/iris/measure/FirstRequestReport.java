package dev.iris.measure;

import java.util.List;
import java.util.Locale;

/** The Markdown section {@code iris first-request} writes. Stateless. */
final class FirstRequestReport {
    private FirstRequestReport() {}

    static String markdown(MachineInfo m, String command, String date, String loadBefore, String loadAfter,
            String others, String model, List<FirstRequestCommand.Row> rows) {
        int w = FirstRequestCommand.WIDTH;
        StringBuilder md = new StringBuilder();
        md.append("## First request after an ingest and after a restart\n\n");
        md.append(f("- Machine: %s. Command: `%s` (%s); load average at start `%s`, at end `%s`. %s (iris and the "
                + "baselines ran one after another in this run). CPU time (the whole iris process: server, ingest, "
                + "model threads) counts work rather than waiting for a core; one sample per cell.%n",
                m.describe(), command, date, loadBefore, loadAfter, others));
        md.append(f("- Each source: the last demo photo resized to the size shown (4:3), uploaded as JPEG q90 over HTTP "
                + "(`PUT /iris/assets/{name}?scale=2`, model %s, the default configuration: two model runs at once, "
                + "one intra-op thread each, both cores for a run in progress alone), then "
                + "`GET /img/{name}.jpg?w=%d` over loopback. Model runs are read from `iris_model_run_seconds_count`. "
                + "w=%d is the original size for sources up to %d px wide (enlarging is "
                + "off) and needs the restore up to twice that; wider sources serve it from the LR, so for them the "
                + "original size (*full*) is requested too.%n", model, w, w, w));
        md.append("- *after restart*: a new server on the same store (empty caches) with the restored tier off "
                + "(`assets.restoredMaxBytes=0`), as for a store that never kept the restore or evicted it; so are "
                + "*banner* and *provisional*. *tier after restart*: a new server with the tier on (the default), "
                + "which reads the restore the ingest kept there, for the request that needs it. "
                + "*provisional*: the same as *after restart* with "
                + "`serving.restoreWaitMs=0`, for the request that needs the restore. *window only*: the same source "
                + "ingested by a server whose source cache is too small to keep its restore (an eighth of "
                + "`cache.sourceMaxBytes`), so the ingest restores only its 1024-px measuring window and the first "
                + "request that needs the restore runs it. *banner after restart*: `?w={W}&h={H/4}&fit=cover` on a new "
                + "server, a crop of the middle quarter at the original's scale, rendered from a restore of the "
                + "part it reads (a quarter of the original and a filter's reach).\n");
        md.append(f("- vipsthumbnail: `vipsthumbnail source.jpg --size %d -o out.jpg[Q=85]`, process start included; "
                + "nginx: `image_filter resize %d -` (GD, q85; it does not enlarge) on the same file, each request "
                + "resized anew. First and median of 5 more.%n%n", w, w));
        md.append("Cells: wall ms / CPU ms (model runs).\n\n");
        md.append(f("| source | JPEG bytes | ingest | w=%d after ingest | warm | after restart | full after ingest "
                + "| full after restart | tier after restart | banner after restart | provisional "
                + "| window only: ingest | window only: first restoring request "
                + "| vipsthumbnail first / median | nginx image_filter first / median |%n", w));
        md.append("|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|\n");
        for (FirstRequestCommand.Row r : rows) {
            md.append(f("| %.1f MP (%dx%d) | %,d | %s | %s | %s | %s | %s | %s | %s | %s | %s, `%s` | %s | %s | %s "
                    + "| %s |%n",
                    r.megapixels(), r.width(), r.height(), r.sourceBytes(), cell(r.ingest()), cell(r.afterIngest()),
                    cell(r.warm()), cell(r.afterRestart()), cell(r.fullAfterIngest()), cell(r.fullAfterRestart()),
                    cell(r.tierAfterRestart()), cell(r.bannerAfterRestart()), cell(r.provisional()),
                    r.provisionalCacheControl(), cell(r.windowIngest()),
                    cell(r.windowFirst()), pair(r.baselines().vipsFirstMs(), r.baselines().vipsMedianMs()),
                    pair(r.baselines().nginxFirstMs(), r.baselines().nginxMedianMs())));
        }
        md.append("\nIngest per source MP, CPU (decode, learned downscale, the measuring restore, PNG encode, store): ");
        for (FirstRequestCommand.Row r : rows) {
            md.append(f("%.1f MP: %.0f ms/MP; ", r.megapixels(), r.ingest().cpuMs() / r.megapixels()));
        }
        md.setLength(md.length() - 2);
        md.append(".\n");
        return md.toString();
    }

    private static String cell(FirstRequestCommand.Cell c) {
        if (!c.measured()) {
            return "–";
        }
        return c.ms() < 100 ? f("%.1f / %.0f (%d)", c.ms(), c.cpuMs(), c.runs()) : f("%.0f / %.0f (%d)", c.ms(),
                c.cpuMs(), c.runs());
    }

    private static String pair(double first, double median) {
        return Double.isNaN(first) ? "not installed" : f("%.0f / %.0f ms", first, median);
    }

    private static String f(String format, Object... args) {
        return String.format(Locale.ROOT, format, args);
    }
}
