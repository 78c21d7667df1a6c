package dev.iris.measure;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Collectors;

/** Writes evaluation rows as Markdown, CSV and a rate–distortion plot (PNG, drawn with Java2D). Stateless. */
final class EvalReport {
    private EvalReport() {}

    /** Mean per method over all images, in first-seen order. */
    static List<EvalRow> means(List<EvalRow> rows) {
        Map<String, List<EvalRow>> byMethod = rows.stream()
                .collect(Collectors.groupingBy(EvalRow::method, LinkedHashMap::new, Collectors.toList()));
        List<EvalRow> means = new ArrayList<>();
        byMethod.forEach((method, list) -> means.add(new EvalRow("mean", method,
                Math.round(list.stream().mapToLong(EvalRow::storedBytes).average().orElse(0)),
                list.stream().mapToDouble(EvalRow::bitsPerPixel).average().orElse(0),
                mean(list, EvalRow::psnrY), mean(list, EvalRow::psnrRgb), mean(list, EvalRow::ssimY),
                mean(list, EvalRow::lrPsnr))));
        return means;
    }

    private static double mean(List<EvalRow> list, java.util.function.ToDoubleFunction<EvalRow> f) {
        return list.stream().mapToDouble(f).average().orElse(Double.NaN);
    }

    static String markdown(List<EvalRow> rows) {
        StringBuilder md = new StringBuilder("| image | method | stored bytes | bits/pixel | PSNR-Y dB | PSNR-RGB dB "
                + "| SSIM-Y | LR vs bicubic LR dB |\n|---|---|---:|---:|---:|---:|---:|---:|\n");
        for (EvalRow r : rows) {
            md.append(String.format(Locale.ROOT, "| %s | %s | %d | %.3f | %s | %s | %.4f | %s |%n", r.image(),
                    r.method(), r.storedBytes(), r.bitsPerPixel(), db(r.psnrY()), db(r.psnrRgb()), r.ssimY(),
                    db(r.lrPsnr())));
        }
        return md.toString();
    }

    static String csv(List<EvalRow> rows) {
        StringBuilder csv = new StringBuilder("image,method,stored_bytes,bits_per_pixel,psnr_y,psnr_rgb,ssim_y,lr_psnr_y\n");
        for (EvalRow r : rows) {
            csv.append(String.format(Locale.ROOT, "%s,%s,%d,%.5f,%.4f,%.4f,%.5f,%.4f%n", r.image(), r.method(),
                    r.storedBytes(), r.bitsPerPixel(), r.psnrY(), r.psnrRgb(), r.ssimY(), r.lrPsnr()));
        }
        return csv.toString();
    }

    private static String db(double v) {
        return Double.isNaN(v) ? "–" : Double.isInfinite(v) ? "∞" : String.format(Locale.ROOT, "%.2f", v);
    }

    /** Mean bits per pixel against mean PSNR-Y, one series per method family. */
    static void plot(List<EvalRow> means, String title, Path file) throws IOException {
        List<EvalRow> points = means.stream().filter(r -> Double.isFinite(r.psnrY())).toList();
        double maxX = points.stream().mapToDouble(EvalRow::bitsPerPixel).max().orElse(1) * 1.1;
        double minY = Math.floor(points.stream().mapToDouble(EvalRow::psnrY).min().orElse(20) - 1);
        double maxY = Math.ceil(points.stream().mapToDouble(EvalRow::psnrY).max().orElse(40) + 1);
        Map<String, List<EvalRow>> families = points.stream().collect(Collectors.groupingBy(
                r -> r.method().replaceAll(" q\\d+ \\(HR\\)", ""), LinkedHashMap::new, Collectors.toList()));
        List<LineChart.Series> series = families.entrySet().stream().map(f -> new LineChart.Series(f.getKey(),
                f.getValue().stream().mapToDouble(EvalRow::bitsPerPixel).toArray(),
                f.getValue().stream().mapToDouble(EvalRow::psnrY).toArray())).toList();
        LineChart.write(title, "bits stored per original pixel", "PSNR-Y (dB)", LineChart.evenTicks(0, maxX, 5,
                "%.2f"), 0, maxX, minY, maxY, series, file);
    }
}
