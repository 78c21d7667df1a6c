package dev.iris.measure;

import dev.iris.app.IrisApp;
import dev.iris.config.IrisConfig;
import dev.iris.image.DecodeLimits;
import dev.iris.image.Decoder;
import dev.iris.image.Encoder;
import dev.iris.image.ImageFormat;
import dev.iris.image.Rgb8Image;
import dev.iris.model.ModelException;
import dev.iris.model.Rescaler;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * {@code iris webp-effort <image>... [--scale 2] [--runs 3] [--out docs/WEBP-EFFORT.md]}: what each lossless WebP
 * effort costs and saves on the LRs iris makes. For every image it runs the model's downscale once (as an ingest
 * does), then encodes that LR as PNG and as lossless WebP at each of libwebp's ten lossless presets (cwebp's
 * {@code -z 0..9}: a method and an effort each), {@code runs} times, keeping the median time and checking that
 * every WebP decodes to the LR exactly. Decoding (what a request that misses the cache pays) is timed the same way.
 */
final class WebpEffortCommand {
    /** libwebp's WebPConfigLosslessPreset levels 0..9 as (method, effort): what {@code cwebp -z N} uses. */
    static final int[][] LEVELS = {{0, 0}, {1, 20}, {2, 25}, {3, 30}, {3, 50}, {4, 50}, {4, 75}, {4, 90}, {5, 90},
        {6, 100}};

    private WebpEffortCommand() {}

    private record Row(String image, String codec, long bytes, double encodeMs, double decodeMs) {}

    static int run(IrisConfig config, List<String> images, int scale, int runs, Path out, String command) {
        if (images.isEmpty()) {
            System.err.println("iris: webp-effort needs one or more image files");
            return 2;
        }
        if (!Encoder.supports(ImageFormat.WEBP)) {
            System.err.println("iris: webp-effort needs WebP, which is not available on this machine");
            return 2;
        }
        try (IrisApp app = IrisApp.start(config)) {
            Rescaler model = app.models().flatMap(m -> m.forScale(scale))
                    .orElseThrow(() -> new ModelException("no model of scale " + scale));
            StringBuilder md = new StringBuilder();
            List<List<Row>> all = new ArrayList<>();
            for (String image : images) {
                Path file = Path.of(image);
                Rgb8Image hr = Decoder.decode(Files.readAllBytes(file), DecodeLimits.defaults()).withoutAlpha();
                long t0 = System.nanoTime();
                Rgb8Image lr = model.downscale(hr, null);
                double downscaleMs = (System.nanoTime() - t0) / 1e6;
                String name = file.getFileName().toString();
                List<Row> rows = measure(name, lr, runs);
                all.add(rows);
                md.append(String.format(Locale.ROOT, "### %s: %dx%d, LR %dx%d; downscale %.0f ms%n%n", name,
                        hr.width(), hr.height(), lr.width(), lr.height(), downscaleMs));
                md.append(table(rows, downscaleMs));
                System.out.printf(Locale.ROOT, "%s: downscale %.0f ms, PNG %d B, WebP z0..z9 %s B%n", name,
                        downscaleMs, rows.getFirst().bytes(),
                        rows.stream().skip(1).map(r -> Long.toString(r.bytes())).toList());
            }
            Files.createDirectories(out.toAbsolutePath().getParent());
            Files.writeString(out, "# Lossless WebP effort on iris LRs\n\nCommand: `" + command + "`. Date: "
                    + LocalDate.now() + ". Model: " + model.pack().id() + " (x" + scale + "). Machine: "
                    + Runtime.getRuntime().availableProcessors() + " cores, shared (load average "
                    + MachineInfo.loadAverage() + " at the end).\n\n"
                    + "Each LR is the one the model makes at ingest; each encode is timed " + runs + " times (median),"
                    + " single-threaded, and every WebP was decoded and compared with the LR pixel for pixel. "
                    + "\"% of PNG\" compares with the PNG iris stored before. The ingest figure adds the "
                    + "downscale (one model run) to the encode; a real ingest also decodes the upload and restores "
                    + "once to measure the round trip, which makes the encode's share smaller still.\n\n"
                    + "## Mean over the images\n\n" + summary(all) + "\n## Per image\n\n" + md);
            System.out.println("wrote " + out);
            return 0;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static List<Row> measure(String name, Rgb8Image lr, int runs) {
        List<Row> rows = new ArrayList<>();
        byte[] png = Encoder.encode(lr, ImageFormat.PNG, 100);
        rows.add(new Row(name, "PNG", png.length, medianMs(runs, () -> Encoder.encode(lr, ImageFormat.PNG, 100)),
                medianMs(runs, () -> Decoder.decode(png, DecodeLimits.defaults()))));
        for (int z = 0; z < LEVELS.length; z++) {
            int method = LEVELS[z][0], effort = LEVELS[z][1];
            byte[] webp = Encoder.webpLossless(lr, method, effort);
            Rgb8Image back = Decoder.decode(webp, DecodeLimits.defaults()).withoutAlpha();
            if (!Arrays.equals(back.rgb(), lr.rgb())) {
                throw new IllegalStateException(name + ": lossless WebP level " + z + " changed pixels");
            }
            rows.add(new Row(name, "WebP z" + z + " (method " + method + ", effort " + effort + ")", webp.length,
                    medianMs(runs, () -> Encoder.webpLossless(lr, method, effort)),
                    medianMs(runs, () -> Decoder.decode(webp, DecodeLimits.defaults()))));
        }
        return rows;
    }

    private static double medianMs(int runs, Runnable encode) {
        long[] nanos = new long[runs];
        for (int i = 0; i < runs; i++) {
            long t0 = System.nanoTime();
            encode.run();
            nanos[i] = System.nanoTime() - t0;
        }
        return Stats.ofNanos(nanos).p50Ms();
    }

    private static String table(List<Row> rows, double downscaleMs) {
        StringBuilder md = new StringBuilder("| codec | bytes | % of PNG | encode ms | downscale + encode ms "
                + "| decode ms |\n|---|---:|---:|---:|---:|---:|\n");
        long png = rows.getFirst().bytes();
        for (Row r : rows) {
            md.append(String.format(Locale.ROOT, "| %s | %d | %.1f | %.0f | %.0f | %.0f |%n", r.codec(), r.bytes(),
                    100.0 * r.bytes() / png, r.encodeMs(), downscaleMs + r.encodeMs(), r.decodeMs()));
        }
        return md.append('\n').toString();
    }

    private static String summary(List<List<Row>> all) {
        StringBuilder md = new StringBuilder("| codec | mean % of PNG | mean encode ms | mean decode ms "
                + "| total bytes |\n|---|---:|---:|---:|---:|\n");
        for (int i = 0; i < all.getFirst().size(); i++) {
            int k = i;
            double percent = all.stream().mapToDouble(r -> 100.0 * r.get(k).bytes() / r.getFirst().bytes())
                    .average().orElse(Double.NaN);
            double ms = all.stream().mapToDouble(r -> r.get(k).encodeMs()).average().orElse(Double.NaN);
            double decodeMs = all.stream().mapToDouble(r -> r.get(k).decodeMs()).average().orElse(Double.NaN);
            long bytes = all.stream().mapToLong(r -> r.get(k).bytes()).sum();
            md.append(String.format(Locale.ROOT, "| %s | %.1f | %.0f | %.0f | %d |%n", all.getFirst().get(i).codec(),
                    percent, ms, decodeMs, bytes));
        }
        return md.toString();
    }
}
