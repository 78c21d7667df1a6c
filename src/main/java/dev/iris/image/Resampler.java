package dev.iris.image;

/** Resizes, crops and pads images, in linear-light-agnostic 8-bit sRGB space as browsers and sharp do. Stateless. */
public final class Resampler {
    private Resampler() {}

    /** {@code source} resized to exactly {@code width x height} (alpha resized alike). */
    public static Rgb8Image resize(Rgb8Image source, int width, int height, Filter filter) {
        throw new UnsupportedOperationException("not yet implemented");
    }

    /** Applies {@code plan} to {@code source}; padding uses {@code background} (0xAARRGGBB). */
    public static Rgb8Image render(Rgb8Image source, ResizePlan plan, Filter filter, int background) {
        throw new UnsupportedOperationException("not yet implemented");
    }

    /** The {@code width x height} window at (x, y). */
    public static Rgb8Image crop(Rgb8Image source, int x, int y, int width, int height) {
        throw new UnsupportedOperationException("not yet implemented");
    }
}
