package dev.iris.image;

/** Encodes images. Stateless and thread-safe. */
public final class Encoder {
    private Encoder() {}

    /** Whether {@code format} can be written on this machine (WebP needs its native library). */
    public static boolean supports(ImageFormat format) {
        throw new UnsupportedOperationException("not yet implemented");
    }

    /**
     * Encodes {@code image}. PNG is lossless and keeps alpha; JPEG has no alpha, so it is composited onto white;
     * WebP is lossy at {@code quality} and keeps alpha.
     *
     * @param quality 1..100, ignored for PNG
     */
    public static byte[] encode(Rgb8Image image, ImageFormat format, int quality) {
        throw new UnsupportedOperationException("not yet implemented");
    }
}
