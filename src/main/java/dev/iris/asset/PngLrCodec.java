package dev.iris.asset;

import dev.iris.image.Encoder;
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
    public boolean available() {
        return true;
    }

    @Override
    public boolean fits(int width, int height) {
        return true;
    }

    /** None to speak of: ImageIO's PNG writer deflates on the heap, row by row. */
    @Override
    public long encodeNativeBytes(long lrPixels) {
        return 0;
    }

    @Override
    public EncodedLr encode(Rgb8Image lr) {
        byte[] rgb = Encoder.encode(lr.withoutAlpha(), ImageFormat.PNG, 100);
        byte[] alpha = lr.hasAlpha() ? Encoder.encode(LrPlanes.grayImage(lr), ImageFormat.PNG, 100) : null;
        return new EncodedLr(rgb, alpha);
    }

    @Override
    public Rgb8Image decode(EncodedLr encoded, int width, int height) {
        return LrPlanes.decode(encoded, "png", "png", width, height);
    }
}
