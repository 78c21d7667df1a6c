package dev.iris.measure;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Collectors;
import javax.imageio.ImageIO;

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
        int w = 900, h = 560, left = 70, right = 250, top = 50, bottom = 60;
        double minX = 0, maxX = points.stream().mapToDouble(EvalRow::bitsPerPixel).max().orElse(1) * 1.1;
        double minY = Math.floor(points.stream().mapToDouble(EvalRow::psnrY).min().orElse(20) - 1);
        double maxY = Math.ceil(points.stream().mapToDouble(EvalRow::psnrY).max().orElse(40) + 1);
        BufferedImage image = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = image.createGraphics();
        g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
        g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
        g.setColor(Color.WHITE);
        g.fillRect(0, 0, w, h);
        int pw = w - left - right, ph = h - top - bottom;
        g.setColor(new Color(0xDDDDDD));
        g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 12));
        for (int i = 0; i <= 5; i++) {
            int x = left + pw * i / 5, y = top + ph * i / 5;
            g.drawLine(x, top, x, top + ph);
            g.drawLine(left, y, left + pw, y);
            g.setColor(Color.DARK_GRAY);
            g.drawString(String.format(Locale.ROOT, "%.2f", minX + (maxX - minX) * i / 5), x - 12, top + ph + 18);
            g.drawString(String.format(Locale.ROOT, "%.1f", maxY - (maxY - minY) * i / 5), left - 40, y + 4);
            g.setColor(new Color(0xDDDDDD));
        }
        g.setColor(Color.BLACK);
        g.drawRect(left, top, pw, ph);
        g.setFont(new Font(Font.SANS_SERIF, Font.BOLD, 15));
        g.drawString(title, left, 28);
        g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 13));
        g.drawString("bits stored per original pixel", left + pw / 2 - 90, h - 18);
        g.rotate(-Math.PI / 2);
        g.drawString("PSNR-Y (dB)", -(top + ph / 2 + 40), 20);
        g.rotate(Math.PI / 2);
        Map<String, List<EvalRow>> families = points.stream().collect(Collectors.groupingBy(
                r -> r.method().replaceAll(" q\\d+ \\(HR\\)", ""), LinkedHashMap::new, Collectors.toList()));
        Color[] colors = {new Color(0xD62728), new Color(0x1F77B4), new Color(0x2CA02C), new Color(0xFF7F0E),
                new Color(0x9467BD), new Color(0x8C564B), new Color(0x17BECF)};
        int legend = 0;
        for (Map.Entry<String, List<EvalRow>> family : families.entrySet()) {
            Color color = colors[legend % colors.length];
            g.setColor(color);
            g.setStroke(new BasicStroke(2f));
            int[] px = family.getValue().stream().mapToInt(r -> left + (int) ((r.bitsPerPixel() - minX) / (maxX - minX) * pw)).toArray();
            int[] py = family.getValue().stream().mapToInt(r -> top + (int) ((maxY - r.psnrY()) / (maxY - minY) * ph)).toArray();
            if (px.length > 1) {
                g.drawPolyline(px, py, px.length);
            }
            for (int i = 0; i < px.length; i++) {
                g.fillOval(px[i] - 5, py[i] - 5, 10, 10);
            }
            int ly = top + 10 + legend * 22;
            g.fillOval(left + pw + 20, ly - 5, 10, 10);
            g.setColor(Color.BLACK);
            g.drawString(family.getKey(), left + pw + 38, ly + 5);
            legend++;
        }
        g.dispose();
        Files.createDirectories(file.toAbsolutePath().getParent());
        ImageIO.write(image, "png", file.toFile());
    }
}
