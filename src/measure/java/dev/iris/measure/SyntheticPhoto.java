package dev.iris.measure;

import dev.iris.image.Rgb8Image;

/**
 * Photo-like test images of any size, made in memory: smooth waves plus fine texture, so a JPEG of the largest
 * source the limits allow stays well under the upload limit. For the soak and the large-source test.
 */
public final class SyntheticPhoto {
    private SyntheticPhoto() {}

    /** A {@code width x height} opaque image, the same for the same size. */
    public static Rgb8Image of(int width, int height) {
        byte[] rgb = new byte[3 * width * height];
        int i = 0;
        for (int y = 0; y < height; y++) {
            for (int x = 0; x < width; x++) {
                double v = 128 + 60 * Math.sin(x / 37.0) * Math.cos(y / 53.0) + 20 * Math.sin((x + y) / 5.0);
                rgb[i++] = (byte) Math.clamp((long) v, 0, 255);
                rgb[i++] = (byte) Math.clamp((long) (255 - v), 0, 255);
                rgb[i++] = (byte) ((x ^ y) & 0x3F | 0x40);
            }
        }
        return Rgb8Image.opaque(width, height, rgb);
    }
}
