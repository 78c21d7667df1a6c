package dev.iris.image;

/** Resizes, crops and pads images, in linear-light-agnostic 8-bit sRGB space as browsers and sharp do. Stateless. */
public final class Resampler {
    private Resampler() {}

    /** {@code source} resized to exactly {@code width x height} (alpha resized alike). */
    public static Rgb8Image resize(Rgb8Image source, int width, int height, Filter filter) {
        if (width <= 0 || height <= 0) {
            throw new IllegalArgumentException("resize target must be positive, got " + width + "x" + height);
        }
        if (filter == null) {
            throw new IllegalArgumentException("filter is required");
        }
        int inW = source.width();
        int inH = source.height();
        if (width == inW && height == inH) {
            return source;
        }
        return resample(source, axis(inW, width, filter), axis(inH, height, filter), width, height);
    }

    /** One axis's weights, or {@code null} where its size stays: such an axis is not resampled. */
    private static Weights axis(int inSize, int outSize, Filter filter) {
        return inSize == outSize ? null : Weights.of(inSize, outSize, filter);
    }

    /** The source pixels outputs {@code [out0, out1)} read along an axis ({@link #axis}): its own span if it stays. */
    private static Span reads(Weights axis, int out0, int out1) {
        if (axis == null) {
            return new Span(out0, out1);
        }
        int[] taps = axis.taps(out0, out1);
        return new Span(taps[0], taps[1]);
    }

    /**
     * The pixels {@code [x0, x0 + w) x [y0, y0 + h)} of {@code full} resized to {@code outWidth x outHeight}
     * (exactly those of {@link #resize}), computed from {@code part} alone: the pixels of {@code full} from
     * ({@code partX}, {@code partY}), which must hold every source pixel the region reads
     * ({@link #sourceSpan}). Lets a model's tiles be resized one by one without the whole image in memory, and a
     * crop of a large image be rendered from the part under it.
     */
    public static Rgb8Image resizeRegion(Rgb8Image part, int partX, int partY, int fullWidth, int fullHeight,
            int outWidth, int outHeight, Filter filter, int x0, int y0, int w, int h) {
        Weights wx = axis(fullWidth, outWidth, filter);
        Weights wy = axis(fullHeight, outHeight, filter);
        Span sx = reads(wx, x0, x0 + w);
        Span sy = reads(wy, y0, y0 + h);
        if (sx.from() < partX || sy.from() < partY || sx.to() > partX + part.width()
                || sy.to() > partY + part.height()) {
            throw new IllegalArgumentException("the region [" + x0 + "," + (x0 + w) + ")x[" + y0 + "," + (y0 + h)
                    + ") reads source pixels [" + sx.from() + "," + sx.to() + ")x[" + sy.from() + "," + sy.to()
                    + ") outside the part at " + partX + "," + partY + " of " + part.width() + "x" + part.height());
        }
        // An axis whose size stays is taken as it is, as in resize.
        Rgb8Image source = part;
        if (wx == null || wy == null) {
            source = crop(part, wx == null ? x0 - partX : 0, wy == null ? y0 - partY : 0,
                    wx == null ? w : part.width(), wy == null ? h : part.height());
        }
        if (wx == null && wy == null) {
            return source;
        }
        return resample(source, wx == null ? null : wx.slice(x0, w, partX), wy == null ? null : wy.slice(y0, h,
                partY), w, h);
    }

    /**
     * The source pixels {@code plan}'s crop reads from a {@code fullWidth x fullHeight} image, as
     * {@code {x, y, width, height}}: all that {@link #renderPart} needs of it.
     */
    public static int[] sourceWindow(int fullWidth, int fullHeight, ResizePlan plan, Filter filter) {
        Span sx = reads(axis(fullWidth, plan.resizeWidth(), filter), plan.cropX(), plan.cropX() + plan.cropWidth());
        Span sy = reads(axis(fullHeight, plan.resizeHeight(), filter), plan.cropY(),
                plan.cropY() + plan.cropHeight());
        return new int[] {sx.from(), sy.from(), sx.to() - sx.from(), sy.to() - sy.from()};
    }

    /**
     * The source pixels {@code [from, to)} along one axis that outputs {@code [out0, out1)} of a resize from
     * {@code inSize} to {@code outSize} read: the filter's taps, also where the size stays, a superset of what
     * {@link #resizeRegion} then reads (it takes such an axis as it is). Kept so because ArbitraryRescaler's tiles,
     * and so its bytes, follow from these spans.
     */
    public static Span sourceSpan(int inSize, int outSize, Filter filter, int out0, int out1) {
        return reads(Weights.of(inSize, outSize, filter), out0, out1);
    }

    /** A half-open range of pixels along one axis. */
    public record Span(int from, int to) {}

    /** Resizes with precomputed weights per axis ({@code null}: that axis keeps its size). */
    private static Rgb8Image resample(Rgb8Image source, Weights wx, Weights wy, int width, int height) {
        int inW = source.width();
        int inH = source.height();
        boolean alpha = source.hasAlpha();
        int ch = alpha ? 4 : 3;
        // Pass 1: horizontal, every source row into a float buffer inH x width x ch (colour premultiplied).
        float[] mid;
        if (wx == null) {
            mid = toFloat(source);
        } else {
            mid = new float[inH * width * ch];
            float[] row = new float[inW * ch];
            byte[] rgb = source.rgb();
            byte[] a = source.alpha();
            for (int y = 0; y < inH; y++) {
                rowToFloat(rgb, a, y * inW, inW, row);
                int outBase = y * width * ch;
                if (ch == 3) {
                    horizontal3(row, wx, mid, outBase, width);
                } else {
                    horizontal4(row, wx, mid, outBase, width);
                }
            }
        }
        // Pass 2: vertical, accumulating whole rows (contiguous, so the JIT can vectorise the inner loop).
        int rowLen = width * ch;
        float[] out;
        if (wy == null) {
            out = mid;
        } else {
            out = new float[height * rowLen];
            for (int y = 0; y < height; y++) {
                int o = y * rowLen;
                int first = wy.first[y];
                int n = wy.count[y];
                int wb = y * wy.stride;
                for (int k = 0; k < n; k++) {
                    float w = wy.weights[wb + k];
                    int m = (first + k) * rowLen;
                    for (int x = 0; x < rowLen; x++) {
                        out[o + x] += w * mid[m + x];
                    }
                }
            }
        }
        return fromFloat(out, width, height, alpha);
    }

    private static void horizontal3(float[] row, Weights wx, float[] mid, int outBase, int width) {
        int stride = wx.stride;
        float[] ws = wx.weights;
        for (int x = 0; x < width; x++) {
            int s = wx.first[x] * 3;
            int n = wx.count[x];
            int wb = x * stride;
            float r = 0f;
            float g = 0f;
            float b = 0f;
            for (int k = 0; k < n; k++) {
                float w = ws[wb + k];
                r += w * row[s];
                g += w * row[s + 1];
                b += w * row[s + 2];
                s += 3;
            }
            int o = outBase + x * 3;
            mid[o] = r;
            mid[o + 1] = g;
            mid[o + 2] = b;
        }
    }

    private static void horizontal4(float[] row, Weights wx, float[] mid, int outBase, int width) {
        int stride = wx.stride;
        float[] ws = wx.weights;
        for (int x = 0; x < width; x++) {
            int s = wx.first[x] * 4;
            int n = wx.count[x];
            int wb = x * stride;
            float r = 0f;
            float g = 0f;
            float b = 0f;
            float a = 0f;
            for (int k = 0; k < n; k++) {
                float w = ws[wb + k];
                r += w * row[s];
                g += w * row[s + 1];
                b += w * row[s + 2];
                a += w * row[s + 3];
                s += 4;
            }
            int o = outBase + x * 4;
            mid[o] = r;
            mid[o + 1] = g;
            mid[o + 2] = b;
            mid[o + 3] = a;
        }
    }

    /** One row as floats: R G B when opaque, premultiplied R G B and A (0..255) otherwise. */
    private static void rowToFloat(byte[] rgb, byte[] alpha, int pixel0, int w, float[] row) {
        if (alpha == null) {
            int s = pixel0 * 3;
            for (int i = 0; i < 3 * w; i++) {
                row[i] = rgb[s + i] & 0xFF;
            }
        } else {
            for (int x = 0; x < w; x++) {
                int p = pixel0 + x;
                float a = alpha[p] & 0xFF;
                float f = a * (1f / 255f);
                int s = 3 * p;
                int o = 4 * x;
                row[o] = (rgb[s] & 0xFF) * f;
                row[o + 1] = (rgb[s + 1] & 0xFF) * f;
                row[o + 2] = (rgb[s + 2] & 0xFF) * f;
                row[o + 3] = a;
            }
        }
    }

    private static float[] toFloat(Rgb8Image image) {
        int w = image.width();
        int h = image.height();
        int ch = image.hasAlpha() ? 4 : 3;
        float[] all = new float[w * h * ch];
        float[] row = new float[w * ch];
        for (int y = 0; y < h; y++) {
            rowToFloat(image.rgb(), image.alpha(), y * w, w, row);
            System.arraycopy(row, 0, all, y * w * ch, w * ch);
        }
        return all;
    }

    private static Rgb8Image fromFloat(float[] px, int w, int h, boolean hasAlpha) {
        int n = w * h;
        byte[] rgb = new byte[3 * n];
        if (!hasAlpha) {
            for (int i = 0; i < 3 * n; i++) {
                rgb[i] = toByte(px[i]);
            }
            return Rgb8Image.opaque(w, h, rgb);
        }
        byte[] alpha = new byte[n];
        for (int p = 0; p < n; p++) {
            int s = 4 * p;
            float a = px[s + 3];
            int ab = toByte(a) & 0xFF;
            alpha[p] = (byte) ab;
            int o = 3 * p;
            if (ab == 0 || a <= 0f) {
                rgb[o] = rgb[o + 1] = rgb[o + 2] = 0;
            } else {
                float f = 255f / a;
                rgb[o] = toByte(px[s] * f);
                rgb[o + 1] = toByte(px[s + 1] * f);
                rgb[o + 2] = toByte(px[s + 2] * f);
            }
        }
        return new Rgb8Image(w, h, rgb, alpha);
    }

    private static byte toByte(float v) {
        if (!(v > 0f)) { // also NaN
            return 0;
        }
        if (v >= 255f) {
            return (byte) 255;
        }
        return (byte) (int) (v + 0.5f);
    }

    /** Applies {@code plan} to {@code source}; padding uses {@code background} (0xAARRGGBB). */
    public static Rgb8Image render(Rgb8Image source, ResizePlan plan, Filter filter, int background) {
        return renderPart(source, 0, 0, source.width(), source.height(), plan, filter, background);
    }

    /**
     * {@link #render} of a {@code fullWidth x fullHeight} image from {@code part} alone, its pixels from
     * ({@code partX}, {@code partY}), which must cover {@link #sourceWindow}: the same output, pixel for pixel.
     */
    public static Rgb8Image renderPart(Rgb8Image part, int partX, int partY, int fullWidth, int fullHeight,
            ResizePlan plan, Filter filter, int background) {
        boolean whole = partX == 0 && partY == 0 && part.width() == fullWidth && part.height() == fullHeight;
        boolean uncropped = plan.cropX() == 0 && plan.cropY() == 0 && plan.cropWidth() == plan.resizeWidth()
                && plan.cropHeight() == plan.resizeHeight();
        Rgb8Image cropped = whole && uncropped ? resize(part, plan.resizeWidth(), plan.resizeHeight(), filter)
                : resizeRegion(part, partX, partY, fullWidth, fullHeight, plan.resizeWidth(), plan.resizeHeight(),
                        filter, plan.cropX(), plan.cropY(), plan.cropWidth(), plan.cropHeight());
        int ow = plan.outWidth();
        int oh = plan.outHeight();
        int px = plan.padX();
        int py = plan.padY();
        if (ow == cropped.width() && oh == cropped.height() && px == 0 && py == 0) {
            return cropped;
        }
        if (px < 0 || py < 0 || px + cropped.width() > ow || py + cropped.height() > oh) {
            throw new IllegalArgumentException("plan places a " + cropped.width() + "x" + cropped.height()
                    + " image at (" + px + ", " + py + ") outside its " + ow + "x" + oh + " canvas");
        }
        int bgA = background >>> 24;
        byte r = (byte) (background >>> 16);
        byte g = (byte) (background >>> 8);
        byte b = (byte) background;
        boolean alpha = cropped.hasAlpha() || bgA < 255;
        byte[] rgb = new byte[3 * ow * oh];
        for (int i = 0; i < rgb.length; i += 3) {
            rgb[i] = r;
            rgb[i + 1] = g;
            rgb[i + 2] = b;
        }
        byte[] a = null;
        if (alpha) {
            a = new byte[ow * oh];
            java.util.Arrays.fill(a, (byte) bgA);
        }
        int cw = cropped.width();
        for (int y = 0; y < cropped.height(); y++) {
            System.arraycopy(cropped.rgb(), 3 * y * cw, rgb, 3 * ((py + y) * ow + px), 3 * cw);
            if (a != null) {
                if (cropped.hasAlpha()) {
                    System.arraycopy(cropped.alpha(), y * cw, a, (py + y) * ow + px, cw);
                } else {
                    java.util.Arrays.fill(a, (py + y) * ow + px, (py + y) * ow + px + cw, (byte) 255);
                }
            }
        }
        return new Rgb8Image(ow, oh, rgb, a);
    }

    /** The {@code width x height} window at (x, y). */
    public static Rgb8Image crop(Rgb8Image source, int x, int y, int width, int height) {
        if (width <= 0 || height <= 0) {
            throw new IllegalArgumentException("crop size must be positive, got " + width + "x" + height);
        }
        if (x < 0 || y < 0 || (long) x + width > source.width() || (long) y + height > source.height()) {
            throw new IllegalArgumentException("crop " + width + "x" + height + " at (" + x + ", " + y
                    + ") does not fit in the " + source.width() + "x" + source.height() + " image");
        }
        if (x == 0 && y == 0 && width == source.width() && height == source.height()) {
            return source;
        }
        int sw = source.width();
        byte[] rgb = new byte[3 * width * height];
        byte[] a = source.hasAlpha() ? new byte[width * height] : null;
        for (int row = 0; row < height; row++) {
            System.arraycopy(source.rgb(), 3 * ((y + row) * sw + x), rgb, 3 * row * width, 3 * width);
            if (a != null) {
                System.arraycopy(source.alpha(), (y + row) * sw + x, a, row * width, width);
            }
        }
        return new Rgb8Image(width, height, rgb, a);
    }
}
