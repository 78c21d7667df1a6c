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
import java.util.List;
import java.util.Locale;
import javax.imageio.ImageIO;

/**
 * A line chart as PNG, drawn with Java2D: numbered series of points, a legend beside the plot, grid lines at the
 * given x ticks and at five y steps. The evaluation reports' plots. Stateless.
 */
final class LineChart {
    /** One line; its points in x order. */
    record Series(String label, double[] x, double[] y) {}

    /** A labelled grid line along x. */
    record Tick(double x, String label) {}

    private static final Color[] COLORS = {new Color(0xD62728), new Color(0x1F77B4), new Color(0x2CA02C),
        new Color(0xFF7F0E), new Color(0x9467BD), new Color(0x8C564B), new Color(0x17BECF)};

    private LineChart() {}

    /** {@code count} evenly spaced ticks over {@code [min, max]}, labelled with {@code format}. */
    static List<Tick> evenTicks(double min, double max, int count, String format) {
        return java.util.stream.IntStream.rangeClosed(0, count)
                .mapToObj(i -> min + (max - min) * i / count)
                .map(v -> new Tick(v, String.format(Locale.ROOT, format, v))).toList();
    }

    static void write(String title, String xLabel, String yLabel, List<Tick> xTicks, double minX, double maxX,
            double minY, double maxY, List<Series> series, Path file) throws IOException {
        int w = 900, h = 560, left = 70, right = 250, top = 50, bottom = 60;
        int pw = w - left - right, ph = h - top - bottom;
        BufferedImage image = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = image.createGraphics();
        g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
        g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
        g.setColor(Color.WHITE);
        g.fillRect(0, 0, w, h);
        g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 12));
        for (Tick t : xTicks) {
            int x = left + (int) ((t.x() - minX) / (maxX - minX) * pw);
            g.setColor(new Color(0xDDDDDD));
            g.drawLine(x, top, x, top + ph);
            g.setColor(Color.DARK_GRAY);
            g.drawString(t.label(), x - g.getFontMetrics().stringWidth(t.label()) / 2, top + ph + 18);
        }
        for (int i = 0; i <= 5; i++) {
            int y = top + ph * i / 5;
            g.setColor(new Color(0xDDDDDD));
            g.drawLine(left, y, left + pw, y);
            g.setColor(Color.DARK_GRAY);
            g.drawString(String.format(Locale.ROOT, "%.1f", maxY - (maxY - minY) * i / 5), left - 40, y + 4);
        }
        g.setColor(Color.BLACK);
        g.drawRect(left, top, pw, ph);
        g.setFont(new Font(Font.SANS_SERIF, Font.BOLD, 15));
        g.drawString(title, left, 28);
        g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 13));
        g.drawString(xLabel, left + pw / 2 - g.getFontMetrics().stringWidth(xLabel) / 2, h - 18);
        g.rotate(-Math.PI / 2);
        g.drawString(yLabel, -(top + ph / 2 + g.getFontMetrics().stringWidth(yLabel) / 2), 20);
        g.rotate(Math.PI / 2);
        for (int s = 0; s < series.size(); s++) {
            Series line = series.get(s);
            g.setColor(COLORS[s % COLORS.length]);
            g.setStroke(new BasicStroke(2f));
            int[] px = new int[line.x().length], py = new int[line.y().length];
            for (int i = 0; i < px.length; i++) {
                px[i] = left + (int) ((line.x()[i] - minX) / (maxX - minX) * pw);
                py[i] = top + (int) ((maxY - line.y()[i]) / (maxY - minY) * ph);
                g.fillOval(px[i] - 5, py[i] - 5, 10, 10);
            }
            if (px.length > 1) {
                g.drawPolyline(px, py, px.length);
            }
            int ly = top + 10 + s * 22;
            g.fillOval(left + pw + 20, ly - 5, 10, 10);
            g.setColor(Color.BLACK);
            g.drawString(line.label(), left + pw + 38, ly + 5);
        }
        g.dispose();
        Files.createDirectories(file.toAbsolutePath().getParent());
        ImageIO.write(image, "png", file.toFile());
    }
}
