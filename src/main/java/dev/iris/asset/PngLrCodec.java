package dev.iris.asset;

import dev.iris.image.DecodeLimits;
import dev.iris.image.ImageHeader;
import dev.iris.image.Decoder;
import dev.iris.image.Encoder;
import dev.iris.image.ImageException;
import dev.iris.image.ImageFormat;
import dev.iris.image.Rgb8Image;

/**
 * The LR as lossless 8-bit RGB PNG and the alpha plane as a second, gray PNG. Stateless; one instance.
 *
 * <p>The alpha plane is kept apart rather than as an RGBA PNG because it is made and restored conventionally,
 * never through the model, and because the bytes (hence versions) of every existing asset were made this way.
 */
final class PngLrCodec implements LrCodec {
    static final String ID = "png";
    static final PngLrCodec INSTANCE = new PngLrCodec();

    private PngLrCodec() {}

    @Override
    public String id() {
        return ID;
    }

    @Override
    public String extension() {
        return "png";
    }

    @Override
    public EncodedLr encode(Rgb8Image lr) {
        byte[] rgb = Encoder.encode(lr.withoutAlpha(), ImageFormat.PNG, 100);
        byte[] alpha = lr.hasAlpha() ? Encoder.encode(grayImage(lr), ImageFormat.PNG, 100) : null;
        return new EncodedLr(rgb, alpha);
    }

    @Override
    public Rgb8Image decode(EncodedLr encoded, int width, int height) {
        Rgb8Image lr = decode(encoded.lr(), "LR", width, height);
        if (!encoded.hasAlpha()) {
            return lr;
        }
        return lr.withAlpha(firstChannel(decode(encoded.alpha(), "alpha plane", width, height)));
    }

    private static Rgb8Image decode(byte[] png, String what, int width, int height) {
        // The header first, so a wrong file is refused before decoding; then exactly that size, whatever the
        // upload limit (an LR of a source at the limit may exceed the default one).
        ImageHeader header = Decoder.probe(png);
        if (!header.format().equals("png") || header.width() != width || header.height() != height) {
            throw new ImageException("the stored " + what + " is a " + header.format() + " of " + header.width() + "x"
                    + header.height() + ", metadata says a png of " + width + "x" + height);
        }
        return Decoder.decode(png, new DecodeLimits((long) width * height, Math.max(width, height)));
    }

    /** The alpha plane as an opaque gray image, which PNG stores compactly. */
    private static Rgb8Image grayImage(Rgb8Image image) {
        byte[] alpha = image.alpha();
        byte[] rgb = new byte[3 * alpha.length];
        for (int i = 0; i < alpha.length; i++) {
            rgb[3 * i] = rgb[3 * i + 1] = rgb[3 * i + 2] = alpha[i];
        }
        return Rgb8Image.opaque(image.width(), image.height(), rgb);
    }

    private static byte[] firstChannel(Rgb8Image image) {
        byte[] rgb = image.rgb();
        byte[] plane = new byte[rgb.length / 3];
        for (int i = 0; i < plane.length; i++) {
            plane[i] = rgb[3 * i];
        }
        return plane;
    }
}
