package dev.iris.measure;

import dev.iris.app.IrisApp;
import dev.iris.config.IrisConfig;
import dev.iris.image.DecodeLimits;
import dev.iris.image.Decoder;
import dev.iris.image.Encoder;
import dev.iris.image.Filter;
import dev.iris.image.ImageFormat;
import dev.iris.image.Quality;
import dev.iris.image.Resampler;
import dev.iris.image.Rgb8Image;
import dev.iris.model.HrOptimizer;
import dev.iris.model.LrOptimizer;
import dev.iris.model.ModelException;
import dev.iris.model.Rescaler;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Stream;

/**
 * {@code iris hcd <dir> [--scale 2|4] [--iterations 0,5,10,15,20] [--hr-iterations 0,10] [--out docs/hcd-x2.md]}:
 * what encode-time optimisation (HCD: the LR stage, after each count of the HR stage) buys per iteration count on
 * a set of photos, through the server's own code path (the registry's rescaler and optimisers, tiled to the
 * configured memory budget): PSNR-Y and PSNR-RGB of the restore
 * over the plain LR's, seconds per megapixel (HR) of the optimisation (wall and process CPU: on a shared machine
 * the CPU figure is the steadier), the LR's PSNR-Y against a bicubic LR and
 * against the plain LR, the stored LR's PNG bytes, and the restore time of the optimised LR against the plain one's
 * (serving runs the same network on an LR of the same size). Also the resident-memory peak of the optimisation per
 * HR pixel of its largest run. Not thread-safe; run once.
 */
final class HcdCommand {
    private HcdCommand() {}

    /** One photo at one iteration count. */
    private record Row(String photo, int hrIterations, int iterations, double psnrY, double psnrRgb, double seconds, double cpuSeconds,
            double megapixels,
            double lrVsBicubic, double lrVsPlain, long lrBytes, double restoreSeconds) {}

    static int run(IrisConfig config, List<String> dirs, int scale, List<Integer> counts, List<Integer> hrCounts,
            Path out) throws IOException {
        if (dirs.size() != 1 || !Files.isDirectory(Path.of(dirs.getFirst()))) {
            System.err.println("iris: hcd needs one directory of images");
            return 2;
        }
        try (IrisApp app = IrisApp.start(config)) {
            Rescaler model = app.models().flatMap(m -> m.forScale(scale))
                    .orElseThrow(() -> new ModelException("no model of scale " + scale));
            LrOptimizer optimizer = model.optimizer()
                    .orElseThrow(() -> new ModelException(model.pack().id() + " ships no gradient graph"));
            if (hrCounts.stream().anyMatch(h -> h > 0) && model.hrOptimizer().isEmpty()) {
                throw new ModelException(model.pack().id() + " ships no hr_grad.onnx");
            }
            List<Row> rows = new ArrayList<>();
            long peakBytes = 0, peakPixels = 0, peakHrBytes = 0, peakHrPixels = 0;
            for (Path file : images(Path.of(dirs.getFirst()))) {
                String name = file.getFileName().toString().replaceFirst("\\.[^.]+$", "");
                Rgb8Image decoded = Decoder.decode(Files.readAllBytes(file), DecodeLimits.defaults()).withoutAlpha();
                Rgb8Image hr = Resampler.crop(decoded, 0, 0, decoded.width() / scale * scale,
                        decoded.height() / scale * scale);
                Rgb8Image plain = model.downscale(hr, null);
                Rgb8Image bicubic = Resampler.resize(hr, plain.width(), plain.height(), Filter.BICUBIC);
                double mp = hr.width() * (double) hr.height() / 1e6;
                for (int h : hrCounts) for (int n : counts) {
                    if (h > 0 && n == 0) {
                        continue; // the HR stage is measured before the LR stage, as it runs
                    }
                    ProcMemory before = ProcMemory.now();
                    boolean peakKnown = ProcMemory.resetPeak();
                    long t0 = System.nanoTime(), c0 = ProcessCpu.nanos();
                    Rgb8Image lr = n == 0 ? plain : model.downscale(hr, h, n, null, f -> {});
                    double seconds = (System.nanoTime() - t0) / 1e9, cpuSeconds = (ProcessCpu.nanos() - c0) / 1e9;
                    if (n > 0 && peakKnown) {
                        long grown = ProcMemory.now().hwmBytes() - before.rssBytes();
                        int side = (h > 0 ? model.hrOptimizer().orElseThrow().tileLr() : optimizer.tileLr())
                                + 2 * optimizer.marginLr();
                        long pixels = (long) Math.min(side, plain.width()) * Math.min(side, plain.height())
                                * scale * scale;
                        if (h == 0 && grown > peakBytes) {
                            peakBytes = grown;
                            peakPixels = pixels;
                        } else if (h > 0 && grown > peakHrBytes) {
                            peakHrBytes = grown;
                            peakHrPixels = pixels;
                        }
                    }
                    long r0 = System.nanoTime();
                    Rgb8Image restored = model.restore(lr, hr.width(), hr.height(), null);
                    double restoreSeconds = (System.nanoTime() - r0) / 1e9;
                    Row row = new Row(name, h, n, Quality.psnrY(hr, restored, scale), Quality.psnrRgb(hr, restored, scale),
                            seconds, cpuSeconds, mp, Quality.psnrY(bicubic, lr, 0), Quality.psnrY(plain, lr, 0),
                            Encoder.encode(lr, ImageFormat.PNG, 100).length, restoreSeconds);
                    rows.add(row);
                    System.out.printf(Locale.ROOT, "%s x%d, %d HR + %d LR iterations: PSNR-Y %.3f, RGB %.3f dB, %.1f s (CPU "
                            + "%.1f s), LR vs bicubic %.2f dB%n", name, scale, h, n, row.psnrY(), row.psnrRgb(), seconds,
                            cpuSeconds, row.lrVsBicubic());
                }
            }
            String report = report(model, optimizer, dirs.getFirst(), scale, counts, hrCounts, rows, peakBytes,
                    peakPixels, peakHrBytes, peakHrPixels,
                    config.limits().modelMemoryBytes() / IrisApp.concurrentRuns(config),
                    MachineInfo.detect(app.ort().version()).describe() + ", load average at the end "
                            + MachineInfo.loadAverage());
            Files.createDirectories(out.toAbsolutePath().getParent());
            Files.writeString(out, report);
            System.out.print(report);
            return 0;
        }
    }

    private static String report(Rescaler model, LrOptimizer optimizer, String dir, int scale, List<Integer> counts,
            List<Integer> hrCounts, List<Row> rows, long peakBytes, long peakPixels, long peakHrBytes,
            long peakHrPixels, long runShare, String machine) {
        boolean hrStage = hrCounts.stream().anyMatch(h -> h > 0);
        StringBuilder md = new StringBuilder();
        md.append("# HCD (encode-time LR optimisation): ").append(model.pack().id()).append(", x").append(scale)
                .append(", ").append(dir).append("\n\nCommand: `./iris hcd ").append(dir).append(" --scale ")
                .append(scale).append(" --iterations ")
                .append(String.join(",", counts.stream().map(String::valueOf).toList()))
                .append(hrStage ? " --hr-iterations " + String.join(",", hrCounts.stream().map(String::valueOf)
                        .toList()) : "").append("`. Date: ")
                .append(LocalDate.now()).append(". ").append(machine).append(".\n\nOptimiser: ")
                .append(LrOptimizer.Settings.DEFAULT).append(", tiles of ").append(optimizer.tileLr())
                .append(" LR px with ").append(optimizer.marginLr()).append(" px margins (run share ").append(runShare >> 20).append(" MiB)")
                .append(hrStage ? "; HR stage " + HrOptimizer.Settings.DEFAULT + ", tiles of "
                        + model.hrOptimizer().orElseThrow().tileLr() + " LR px" : "").append(".\n\n");
        md.append("## Mean over ").append(rows.stream().map(Row::photo).distinct().count()).append(" photos\n\n");
        md.append("| HR iterations | iterations | PSNR-Y (dB) | gain Y | gain RGB | s per MP (HR), wall | CPU s per MP | "
                + "LR vs bicubic LR, PSNR-Y | LR vs plain LR | LR PNG bytes vs plain | restore time vs plain |\n"
                + "|---|---|---|---|---|---|---|---|---|---|---|\n");
        Map<String, Row> plain = new LinkedHashMap<>();
        rows.stream().filter(r -> r.iterations() == 0).forEach(r -> plain.put(r.photo(), r));
        for (int h : hrCounts) for (int n : counts) {
            List<Row> at = rows.stream().filter(r -> r.hrIterations() == h && r.iterations() == n).toList();
            if (at.isEmpty()) {
                continue;
            }
            double mp = at.stream().mapToDouble(Row::megapixels).sum();
            md.append(String.format(Locale.ROOT, "| %d | %d | %.3f | %+.3f | %+.3f | %.1f | %.1f | %.2f | %s | %+.1f%% | %.2f |%n",
                    h, n, mean(at, Row::psnrY), mean(at, r -> r.psnrY() - plain.get(r.photo()).psnrY()),
                    mean(at, r -> r.psnrRgb() - plain.get(r.photo()).psnrRgb()),
                    at.stream().mapToDouble(Row::seconds).sum() / mp, at.stream().mapToDouble(Row::cpuSeconds).sum() / mp,
                    mean(at, Row::lrVsBicubic), n == 0 ? "=" : String.format(Locale.ROOT, "%.2f",
                            mean(at, Row::lrVsPlain)),
                    100 * (at.stream().mapToLong(Row::lrBytes).sum()
                            / (double) plain.values().stream().mapToLong(Row::lrBytes).sum() - 1),
                    at.stream().mapToDouble(Row::restoreSeconds).sum()
                            / plain.values().stream().mapToDouble(Row::restoreSeconds).sum()));
        }
        md.append("\n## Per photo\n\n| photo | HR iterations | iterations | PSNR-Y | gain Y | gain RGB | s | LR vs bicubic LR |\n"
                + "|---|---|---|---|---|---|---|---|\n");
        for (Row r : rows) {
            md.append(String.format(Locale.ROOT, "| %s | %d | %d | %.3f | %+.3f | %+.3f | %.1f | %.2f |%n", r.photo(),
                    r.hrIterations(), r.iterations(), r.psnrY(), r.psnrY() - plain.get(r.photo()).psnrY(),
                    r.psnrRgb() - plain.get(r.photo()).psnrRgb(), r.seconds(), r.lrVsBicubic()));
        }
        if (peakPixels > 0) {
            md.append(String.format(Locale.ROOT, "%nResident memory: the optimisation's peak grew RSS by %d MiB over "
                    + "its largest run of %d HR pixels, %d bytes per HR pixel (heap growth included; "
                    + "LrOptimizer.GRAD_BYTES_PER_HR_PIXEL is %d).%n", peakBytes >> 20, peakPixels,
                    peakBytes / peakPixels, LrOptimizer.GRAD_BYTES_PER_HR_PIXEL));
        }
        if (peakHrPixels > 0) {
            md.append(String.format(Locale.ROOT, "%nResident memory with the HR stage: the peak grew RSS by %d MiB "
                    + "over its largest run of %d HR pixels, %d bytes per HR pixel (heap growth included; "
                    + "HrOptimizer.GRAD_BYTES_PER_HR_PIXEL is %d).%n", peakHrBytes >> 20, peakHrPixels,
                    peakHrBytes / peakHrPixels, HrOptimizer.GRAD_BYTES_PER_HR_PIXEL));
        }
        return md.toString();
    }

    private static double mean(List<Row> rows, java.util.function.ToDoubleFunction<Row> f) {
        return rows.stream().mapToDouble(f).average().orElse(Double.NaN);
    }

    private static List<Path> images(Path dir) throws IOException {
        try (Stream<Path> files = Files.list(dir)) {
            return files.filter(f -> f.getFileName().toString().matches("(?i).+\\.(png|jpe?g|webp)")).sorted().toList();
        }
    }
}
