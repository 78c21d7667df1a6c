package dev.iris.asset;

import dev.iris.image.DecodeLimits;
import dev.iris.image.Decoder;
import dev.iris.image.ImageException;
import dev.iris.image.ImageHeader;
import dev.iris.image.Rgb8Image;

/**
 * What every {@link LrCodec} does the same way: decode one stored plane only after its header matched the
 * metadata, and carry the alpha plane as an opaque gray image. Stateless.
 */
final class LrPlanes {
    private LrPlanes() {}

    /**
     * Decodes a stored plane that must be a {@code format} of exactly {@code width} x {@code height}: the header is
     * read first, so a wrong file is refused before decoding, and the decode limit is that size, whatever the
     * upload limit (an LR of a source at the limit may exceed the default one). So no stored payload can make a
     * decode allocate more than its metadata's size.
     *
     * @param what names the plane in the message, "LR" or "alpha plane"
     */
    static Rgb8Image decode(byte[] bytes, String format, String what, int width, int height) {
        ImageHeader header = Decoder.probe(bytes);
        if (!header.format().equals(format) || header.width() != width || header.height() != height) {
            throw new ImageException("the stored " + what + " is a " + header.format() + " of " + header.width() + "x"
                    + header.height() + ", metadata says a " + format + " of " + width + "x" + height);
        }
        Rgb8Image image = Decoder.decode(bytes, new DecodeLimits((long) width * height, Math.max(width, height)));
        return image.withoutAlpha();
    }

    /**
     * Decodes an LR stored as a {@code lrFormat} and, when there is one, its alpha plane stored as a
     * {@code alphaFormat}, both checked against the metadata's size as {@link #decode} does.
     */
    static Rgb8Image decode(EncodedLr encoded, String lrFormat, String alphaFormat, int width, int height) {
        Rgb8Image lr = decode(encoded.lr(), lrFormat, "LR", width, height);
        if (!encoded.hasAlpha()) {
            return lr;
        }
        return lr.withAlpha(firstChannel(decode(encoded.alpha(), alphaFormat, "alpha plane", width, height)));
    }

    /** The alpha plane as an opaque gray image, which both PNG and lossless WebP store compactly. */
    static Rgb8Image grayImage(Rgb8Image image) {
        byte[] alpha = image.alpha();
        byte[] rgb = new byte[3 * alpha.length];
        for (int i = 0; i < alpha.length; i++) {
            rgb[3 * i] = rgb[3 * i + 1] = rgb[3 * i + 2] = alpha[i];
        }
        return Rgb8Image.opaque(image.width(), image.height(), rgb);
    }

    /** The gray image's plane back. */
    static byte[] firstChannel(Rgb8Image image) {
        byte[] rgb = image.rgb();
        byte[] plane = new byte[rgb.length / 3];
        for (int i = 0; i < plane.length; i++) {
            plane[i] = rgb[3 * i];
        }
        return plane;
    }
}
