package dev.iris.image;

/**
 * Reads uploaded images into 8-bit sRGB: JPEG, PNG, and WebP when a reader is present; EXIF orientation applied;
 * grayscale, CMYK, 16-bit and ICC-profiled images converted; alpha kept. Stateless and thread-safe.
 */
public final class Decoder {
    private Decoder() {}

    /** Format and size from the header alone. @throws ImageException if {@code data} is not a readable image */
    public static ImageHeader probe(byte[] data) {
        throw new UnsupportedOperationException("not yet implemented");
    }

    /**
     * Decodes {@code data}, checking {@code limits} against the header first.
     *
     * @throws ImageException with a one-line reason for anything that is not a usable image
     */
    public static Rgb8Image decode(byte[] data, DecodeLimits limits) {
        throw new UnsupportedOperationException("not yet implemented");
    }
}
