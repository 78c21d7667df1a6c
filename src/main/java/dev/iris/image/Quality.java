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
        throw new UnsupportedOperationException("not yet implemented");
    }

    /** PSNR in dB over the three RGB channels, ignoring {@code border} pixels on every side, peak 255. */
    public static double psnrRgb(Rgb8Image reference, Rgb8Image test, int border) {
        throw new UnsupportedOperationException("not yet implemented");
    }

    /** SSIM on Y (as {@link #psnrY}), Gaussian window 11x11 with sigma 1.5, K1 0.01, K2 0.03, peak 255. */
    public static double ssimY(Rgb8Image reference, Rgb8Image test, int border) {
        throw new UnsupportedOperationException("not yet implemented");
    }
}
