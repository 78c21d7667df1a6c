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
        return resample(source, width == inW ? null : Weights.of(inW, width, filter),
                height == inH ? null : Weights.of(inH, height, filter), width, height);
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
        Weights wx = outWidth == fullWidth ? null : Weights.of(fullWidth, outWidth, filter);
        Weights wy = outHeight == fullHeight ? null : Weights.of(fullHeight, outHeight, filter);
        int[] sx = wx == null ? new int[] {x0, x0 + w} : wx.taps(x0, x0 + w);
        int[] sy = wy == null ? new int[] {y0, y0 + h} : wy.taps(y0, y0 + h);
        if (sx[0] < partX || sy[0] < partY || sx[1] > partX + part.width() || sy[1] > partY + part.height()) {
            throw new IllegalArgumentException("the region [" + x0 + "," + (x0 + w) + ")x[" + y0 + "," + (y0 + h)
                    + ") reads source pixels [" + sx[0] + "," + sx[1] + ")x[" + sy[0] + "," + sy[1]
                    + ") outside the part at " + partX + "," + partY + " of " + part.width() + "x" + part.height());
        }
        // An axis whose size stays is not resampled, as in resize: its pixels are taken as they are.
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
        int[] sx = plan.resizeWidth() == fullWidth ? new int[] {plan.cropX(), plan.cropX() + plan.cropWidth()}
                : Weights.of(fullWidth, plan.resizeWidth(), filter).taps(plan.cropX(), plan.cropX()
                        + plan.cropWidth());
        int[] sy = plan.resizeHeight() == fullHeight ? new int[] {plan.cropY(), plan.cropY() + plan.cropHeight()}
                : Weights.of(fullHeight, plan.resizeHeight(), filter).taps(plan.cropY(), plan.cropY()
                        + plan.cropHeight());
        return new int[] {sx[0], sy[0], sx[1] - sx[0], sy[1] - sy[0]};
    }

    /**
     * The source pixels {@code [from, to)} along one axis that outputs {@code [out0, out1)} of a resize from
     * {@code inSize} to {@code outSize} read.
     */
    public static Span sourceSpan(int inSize, int outSize, Filter filter, int out0, int out1) {
        int[] taps = Weights.of(inSize, outSize, filter).taps(out0, out1);
        return new Span(taps[0], taps[1]);
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
