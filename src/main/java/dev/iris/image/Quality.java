package dev.iris.image;

/**
 * Image quality metrics with the conventions of the super-resolution literature, so numbers compare with papers.
 * Stateless.
 */
public final class Quality {
    private Quality() {}

    /**
     * PSNR in dB on the luma channel Y = 16 + (65.481 R + 128.553 G + 24.966 B) / 255 (ITU-R BT.601, MATLAB's
     * rgb2ycbcr; R, G, B in [0, 1]), ignoring {@code border} pixels on every side, peak 255.
     */
    public static double psnrY(Rgb8Image reference, Rgb8Image test, int border) {
        check(reference, test, border, 1);
        // Pixel by pixel rather than through luma planes: a 50 MP ingest measures this, and two planes of doubles
        // would need 800 MB of heap for it.
        int w = reference.width();
        int cw = w - 2 * border, ch = reference.height() - 2 * border;
        byte[] a = reference.rgb(), b = test.rgb();
        double sum = 0;
        for (int row = 0; row < ch; row++) {
            int s = 3 * ((row + border) * w + border);
            for (int x = 0; x < cw; x++, s += 3) {
                double d = luma(a, s) - luma(b, s);
                sum += d * d;
            }
        }
        return psnr(sum / ((double) cw * ch));
    }

    private static double luma(byte[] rgb, int s) {
        return 16.0 + (65.481 * (rgb[s] & 0xFF) + 128.553 * (rgb[s + 1] & 0xFF) + 24.966 * (rgb[s + 2] & 0xFF)) / 255.0;
    }

    /** PSNR in dB over the three RGB channels, ignoring {@code border} pixels on every side, peak 255. */
    public static double psnrRgb(Rgb8Image reference, Rgb8Image test, int border) {
        check(reference, test, border, 1);
        int w = reference.width();
        byte[] a = reference.rgb();
        byte[] b = test.rgb();
        long sum = 0;
        long n = 0;
        for (int y = border; y < reference.height() - border; y++) {
            int from = 3 * (y * w + border);
            int to = 3 * (y * w + w - border);
            for (int i = from; i < to; i++) {
                int d = (a[i] & 0xFF) - (b[i] & 0xFF);
                sum += d * d;
            }
            n += to - from;
        }
        return psnr((double) sum / n);
    }

    /** SSIM on Y (as {@link #psnrY}), Gaussian window 11x11 with sigma 1.5, K1 0.01, K2 0.03, peak 255. */
    public static double ssimY(Rgb8Image reference, Rgb8Image test, int border) {
        check(reference, test, border, WINDOW);
        int w = reference.width() - 2 * border;
        int h = reference.height() - 2 * border;
        double[] x = luma(reference, border);
        double[] y = luma(test, border);
        int n = w * h;
        double[] xx = new double[n];
        double[] yy = new double[n];
        double[] xy = new double[n];
        for (int i = 0; i < n; i++) {
            xx[i] = x[i] * x[i];
            yy[i] = y[i] * y[i];
            xy[i] = x[i] * y[i];
        }
        double[] g = gaussian();
        double[] muX = filterValid(x, w, h, g);
        double[] muY = filterValid(y, w, h, g);
        double[] eXX = filterValid(xx, w, h, g);
        double[] eYY = filterValid(yy, w, h, g);
        double[] eXY = filterValid(xy, w, h, g);
        final double c1 = (0.01 * 255) * (0.01 * 255);
        final double c2 = (0.03 * 255) * (0.03 * 255);
        double total = 0;
        for (int i = 0; i < muX.length; i++) {
            double mx = muX[i];
            double my = muY[i];
            double vx = eXX[i] - mx * mx;
            double vy = eYY[i] - my * my;
            double cxy = eXY[i] - mx * my;
            total += ((2 * mx * my + c1) * (2 * cxy + c2)) / ((mx * mx + my * my + c1) * (vx + vy + c2));
        }
        return total / muX.length;
    }

    private static final int WINDOW = 11;
    private static final double SIGMA = 1.5;

    private static double psnr(double mse) {
        if (mse == 0) {
            return Double.POSITIVE_INFINITY;
        }
        return 10 * Math.log10(255.0 * 255.0 / mse);
    }

    private static void check(Rgb8Image reference, Rgb8Image test, int border, int minSide) {
        if (reference.width() != test.width() || reference.height() != test.height()) {
            throw new IllegalArgumentException("images differ in size: " + reference.width() + "x"
                    + reference.height() + " and " + test.width() + "x" + test.height());
        }
        if (border < 0) {
            throw new IllegalArgumentException("border must not be negative, got " + border);
        }
        if (reference.width() - 2L * border < minSide || reference.height() - 2L * border < minSide) {
            throw new IllegalArgumentException("a " + reference.width() + "x" + reference.height()
                    + " image less a border of " + border + " leaves less than " + minSide + "x" + minSide);
        }
    }

    /** Y of the region inside the border, row by row. */
    private static double[] luma(Rgb8Image image, int border) {
        int w = image.width();
        int cw = w - 2 * border;
        int ch = image.height() - 2 * border;
        byte[] rgb = image.rgb();
        double[] y = new double[cw * ch];
        int o = 0;
        for (int row = 0; row < ch; row++) {
            int s = 3 * ((row + border) * w + border);
            for (int x = 0; x < cw; x++, s += 3) {
                y[o++] = luma(rgb, s);
            }
        }
        return y;
    }

    /** The normalised 1-D Gaussian; the 2-D window is its outer product. */
    private static double[] gaussian() {
        double[] g = new double[WINDOW];
        double sum = 0;
        int half = WINDOW / 2;
        for (int i = 0; i < WINDOW; i++) {
            double d = i - half;
            g[i] = Math.exp(-(d * d) / (2 * SIGMA * SIGMA));
            sum += g[i];
        }
        for (int i = 0; i < WINDOW; i++) {
            g[i] /= sum;
        }
        return g;
    }

    /** Separable correlation with {@code g} over positions where the window fits entirely ('valid'). */
    private static double[] filterValid(double[] img, int w, int h, double[] g) {
        int k = g.length;
        int ow = w - k + 1;
        int oh = h - k + 1;
        double[] tmp = new double[h * ow];
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < ow; x++) {
                double s = 0;
                int base = y * w + x;
                for (int i = 0; i < k; i++) {
                    s += g[i] * img[base + i];
                }
                tmp[y * ow + x] = s;
            }
        }
        double[] out = new double[oh * ow];
        for (int y = 0; y < oh; y++) {
            for (int i = 0; i < k; i++) {
                double gi = g[i];
                int src = (y + i) * ow;
                int dst = y * ow;
                for (int x = 0; x < ow; x++) {
                    out[dst + x] += gi * tmp[src + x];
                }
            }
        }
        return out;
    }
}
