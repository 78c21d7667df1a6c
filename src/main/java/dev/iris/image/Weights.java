package dev.iris.image;

/**
 * Precomputed resampling weights along one axis: for output pixel {@code i}, {@code count[i]} weights starting at
 * {@code weights[i * stride]} apply to source pixels {@code first[i] ...}. Edges are clamped (taps past the border
 * use the border pixel) and each row of weights sums to 1.
 */
final class Weights {
    final int[] first;
    final int[] count;
    final float[] weights;
    final int stride;

    private Weights(int[] first, int[] count, float[] weights, int stride) {
        this.first = first;
        this.count = count;
        this.weights = weights;
        this.stride = stride;
    }

    static Weights of(int inSize, int outSize, Filter filter) {
        double scale = (double) outSize / inSize;
        double stretch = Math.max(1.0, 1.0 / scale); // kernel widening when shrinking (antialiasing)
        double support = switch (filter) {
            case AREA -> 0.5;
            case BICUBIC -> 2.0;
            case LANCZOS3 -> 3.0;
        } * stretch;
        int stride = (int) Math.ceil(2 * support) + 2;
        int[] first = new int[outSize];
        int[] count = new int[outSize];
        float[] weights = new float[outSize * stride];
        double[] acc = new double[stride + 2];
        double invScale = (double) inSize / outSize;
        for (int i = 0; i < outSize; i++) {
            double center = (i + 0.5) * invScale; // in source coordinates, pixel j spans [j, j + 1]
            int lo = (int) Math.floor(center - support);
            int hi = (int) Math.ceil(center + support);
            int clo = Math.max(0, lo);
            int chi = Math.min(inSize - 1, hi);
            if (chi < clo) { // cannot happen for in-range centres, but stay safe
                clo = chi = Math.min(inSize - 1, Math.max(0, (int) center));
            }
            int n = chi - clo + 1;
            if (n > acc.length) {
                acc = new double[n];
            }
            java.util.Arrays.fill(acc, 0, n, 0.0);
            double sum = 0;
            for (int j = lo; j <= hi; j++) {
                double w;
                if (filter == Filter.AREA) {
                    // Overlap of source pixel [j, j+1] with the output footprint [center - h, center + h].
                    double h = 0.5 * invScale;
                    w = Math.max(0.0, Math.min(j + 1.0, center + h) - Math.max(j, center - h));
                } else {
                    w = kernel(filter, (j + 0.5 - center) / stretch);
                }
                if (w == 0.0) {
                    continue;
                }
                int k = Math.min(chi, Math.max(clo, j)) - clo;
                acc[k] += w;
                sum += w;
            }
            if (sum == 0.0) { // degenerate footprint: nearest pixel
                int k = Math.min(chi, Math.max(clo, (int) Math.floor(center))) - clo;
                acc[k] = 1.0;
                sum = 1.0;
            }
            // Trim zero weights at both ends so the inner loops run only over taps that matter.
            int a = 0;
            int b = n - 1;
            while (a < b && acc[a] == 0.0) {
                a++;
            }
            while (b > a && acc[b] == 0.0) {
                b--;
            }
            first[i] = clo + a;
            count[i] = b - a + 1;
            if (count[i] > stride) {
                throw new IllegalStateException("kernel wider than planned");
            }
            for (int k = a; k <= b; k++) {
                weights[i * stride + k - a] = (float) (acc[k] / sum);
            }
        }
        return new Weights(first, count, weights, stride);
    }

    /**
     * The weights of outputs {@code [out0, out0 + n)} only, their taps counted from source pixel {@code in0}: the
     * resize of a region of the output from a part of the source that starts at {@code in0}.
     */
    Weights slice(int out0, int n, int in0) {
        int[] f = new int[n];
        float[] w = new float[n * stride];
        for (int i = 0; i < n; i++) {
            f[i] = first[out0 + i] - in0;
        }
        System.arraycopy(weights, out0 * stride, w, 0, n * stride);
        return new Weights(f, java.util.Arrays.copyOfRange(count, out0, out0 + n), w, stride);
    }

    /** The source pixels {@code [lo, hi)} that outputs {@code [out0, out1)} read. */
    int[] taps(int out0, int out1) {
        int lo = Integer.MAX_VALUE, hi = 0;
        for (int i = out0; i < out1; i++) {
            lo = Math.min(lo, first[i]);
            hi = Math.max(hi, first[i] + count[i]);
        }
        return new int[] {lo, hi};
    }

    static double kernel(Filter filter, double x) {
        x = Math.abs(x);
        return switch (filter) {
            case AREA -> x < 0.5 ? 1.0 : 0.0;
            case BICUBIC -> {
                final double a = -0.5;
                if (x < 1.0) {
                    yield ((a + 2.0) * x - (a + 3.0)) * x * x + 1.0;
                } else if (x < 2.0) {
                    yield ((a * x - 5.0 * a) * x + 8.0 * a) * x - 4.0 * a;
                }
                yield 0.0;
            }
            case LANCZOS3 -> {
                if (x >= 3.0) {
                    yield 0.0;
                }
                yield sinc(x) * sinc(x / 3.0);
            }
        };
    }

    private static double sinc(double x) {
        if (x < 1e-9) {
            return 1.0;
        }
        double px = Math.PI * x;
        return Math.sin(px) / px;
    }
}
