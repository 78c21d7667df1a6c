package dev.iris.image;

/**
 * An 8-bit sRGB image: interleaved RGB rows, top to bottom, and an optional alpha plane. Immutable by contract:
 * nobody writes to the arrays after construction, so instances are shared freely between threads and caches.
 *
 * @param rgb   {@code 3 * width * height} bytes, R G B per pixel
 * @param alpha {@code width * height} bytes of straight (not premultiplied) alpha, or {@code null} when opaque
 */
public record Rgb8Image(int width, int height, byte[] rgb, byte[] alpha) {
    public Rgb8Image {
        if (width <= 0 || height <= 0) {
            throw new IllegalArgumentException("image size must be positive, got " + width + "x" + height);
        }
        if (rgb.length != 3L * width * height) {
            throw new IllegalArgumentException("rgb needs " + 3L * width * height + " bytes, got " + rgb.length);
        }
        if (alpha != null && alpha.length != (long) width * height) {
            throw new IllegalArgumentException("alpha needs " + (long) width * height + " bytes, got " + alpha.length);
        }
    }

    /** An opaque image. */
    public static Rgb8Image opaque(int width, int height, byte[] rgb) {
        return new Rgb8Image(width, height, rgb, null);
    }

    public boolean hasAlpha() {
        return alpha != null;
    }

    /** Heap bytes held by the pixels, for cache weighing. */
    public long byteSize() {
        return rgb.length + (alpha == null ? 0L : alpha.length);
    }

    /** Channel {@code c} (0 R, 1 G, 2 B) of pixel (x, y), 0..255. */
    public int sample(int x, int y, int c) {
        return rgb[3 * (y * width + x) + c] & 0xFF;
    }

    public Rgb8Image withAlpha(byte[] plane) {
        return new Rgb8Image(width, height, rgb, plane);
    }

    public Rgb8Image withoutAlpha() {
        return alpha == null ? this : new Rgb8Image(width, height, rgb, null);
    }
}
