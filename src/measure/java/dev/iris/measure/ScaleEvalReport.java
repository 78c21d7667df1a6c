package dev.iris.measure;

import dev.iris.model.Scale;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.ToDoubleFunction;
import java.util.stream.IntStream;

/**
 * Writes an arbitrary-scale evaluation as Markdown tables over scales (restored PSNR-Y, gain over bicubic→bicubic,
 * the LR's fidelity, per image), CSV, and a plot of the gain against scale. Stateless.
 */
final class ScaleEvalReport {
    private ScaleEvalReport() {}

    /** The methods in first-seen order. */
    static List<String> methods(List<ScaleRow> rows) {
        return rows.stream().map(ScaleRow::method).distinct().toList();
    }

    /** The mean over images of {@code value} for {@code method} at {@code scale}. */
    static double mean(List<ScaleRow> rows, String method, Scale scale, ToDoubleFunction<ScaleRow> value) {
        return rows.stream().filter(r -> r.method().equals(method) && r.scale().equals(scale)).mapToDouble(value)
                .average().orElse(Double.NaN);
    }

    static String markdown(List<ScaleRow> rows, List<Scale> scales) {
        List<String> methods = methods(rows);
        String header = "| method | " + String.join(" | ", scales.stream().map(ScaleEvalReport::label).toList())
                + " |\n|---|" + "---:|".repeat(scales.size()) + "\n";
        StringBuilder md = new StringBuilder("## Restored PSNR-Y (dB), mean\n\n").append(header);
        for (String m : methods) {
            md.append(line(m, scales, s -> String.format(Locale.ROOT, "%.2f", mean(rows, m, s, ScaleRow::psnrY))));
        }
        md.append("\n## Gain over ").append(ScaleEvaluation.BICUBIC).append(" (dB)\n\n").append(header);
        for (String m : methods.subList(1, methods.size())) {
            md.append(line(m, scales, s -> String.format(Locale.ROOT, "%+.2f", gain(rows, m, s))));
        }
        md.append("\n## LR PSNR-Y against the bicubic LR of the same size (dB), mean\n\n").append(header);
        for (String m : methods.subList(1, methods.size())) {
            md.append(line(m, scales, s -> String.format(Locale.ROOT, "%.2f", mean(rows, m, s, ScaleRow::lrPsnr))));
        }
        md.append("\n## Per image, restored PSNR-Y (dB)\n\n| scale | image | ").append(String.join(" | ", methods))
                .append(" |\n|---|---|").append("---:|".repeat(methods.size())).append('\n');
        for (Scale s : scales) {
            for (String image : rows.stream().map(ScaleRow::image).distinct().toList()) {
                md.append("| ").append(label(s)).append(" | ").append(image).append(" |");
                for (String m : methods) {
                    rows.stream().filter(r -> r.scale().equals(s) && r.image().equals(image) && r.method().equals(m))
                            .forEach(r -> md.append(String.format(Locale.ROOT, " %.2f |", r.psnrY())));
                }
                md.append('\n');
            }
        }
        return md.toString();
    }

    static String csv(List<ScaleRow> rows) {
        StringBuilder csv = new StringBuilder("image,scale_x,scale_y,method,psnr_y,lr_psnr_y\n");
        for (ScaleRow r : rows) {
            csv.append(String.format(Locale.ROOT, "%s,%s,%s,%s,%.4f,%.4f%n", r.image(), r.scale().x(),
                    r.scale().y(), r.method(), r.psnrY(), r.lrPsnr()));
        }
        return csv.toString();
    }

    /** The gain over bicubic→bicubic per method against the scales, in the order given. */
    static void plot(List<ScaleRow> rows, List<Scale> scales, String title, Path file) throws IOException {
        List<String> methods = methods(rows);
        List<LineChart.Series> series = new ArrayList<>();
        double lo = 0, hi = 0;
        double[] x = IntStream.range(0, scales.size()).asDoubleStream().toArray();
        for (String m : methods.subList(1, methods.size())) {
            double[] y = scales.stream().mapToDouble(s -> gain(rows, m, s)).toArray();
            series.add(new LineChart.Series(m, x, y));
            for (double v : y) {
                lo = Math.min(lo, v);
                hi = Math.max(hi, v);
            }
        }
        List<LineChart.Tick> ticks = IntStream.range(0, scales.size())
                .mapToObj(i -> new LineChart.Tick(i, label(scales.get(i)))).toList();
        LineChart.write(title, "scale (s_x, s_y)", "PSNR-Y gain over bicubic→bicubic (dB)", ticks, -0.5,
                scales.size() - 0.5, Math.floor(lo), Math.ceil(hi + 0.5), series, file);
    }

    private static double gain(List<ScaleRow> rows, String method, Scale scale) {
        return mean(rows, method, scale, ScaleRow::psnrY) - mean(rows, ScaleEvaluation.BICUBIC, scale,
                ScaleRow::psnrY);
    }

    private static String line(String method, List<Scale> scales, java.util.function.Function<Scale, String> cell) {
        return "| " + method + " | " + String.join(" | ", scales.stream().map(cell).toList()) + " |\n";
    }

    /** "x2.5" for a uniform scale, "(1.5, 3)" for a pair. */
    static String label(Scale s) {
        return s.x() == s.y() ? "x" + s : "(" + s.toString().replace(",", ", ") + ")";
    }
}
