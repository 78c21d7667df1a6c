package dev.iris.image;

/**
 * Bounds checked against an image's header before any pixel is decoded (decompression bombs).
 *
 * @param maxPixels    largest width x height accepted
 * @param maxDimension largest width or height accepted
 */
public record DecodeLimits(long maxPixels, int maxDimension) {
    public static DecodeLimits defaults() {
        return new DecodeLimits(50_000_000L, 30_000);
    }
}
