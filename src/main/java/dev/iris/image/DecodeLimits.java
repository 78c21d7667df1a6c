package dev.iris.image;

/**
 * Bounds checked against an image's header before any pixel is decoded (decompression bombs).
 *
 * @param maxPixels    largest width x height accepted
 * @param maxDimension largest width or height accepted
 */
public record DecodeLimits(long maxPixels, int maxDimension) {
    /** The largest side a JPEG header can state; PNG allows more, but no source iris accepts needs it. */
    public static final int MAX_DIMENSION = 65_535;

    /** At most {@code maxPixels}, any side up to {@link #MAX_DIMENSION}. */
    public static DecodeLimits ofPixels(long maxPixels) {
        return new DecodeLimits(maxPixels, MAX_DIMENSION);
    }

    /** The default source limit, 50 megapixels (also {@code limits.maxSourcePixels}' default). */
    public static DecodeLimits defaults() {
        return ofPixels(50_000_000L);
    }
}
