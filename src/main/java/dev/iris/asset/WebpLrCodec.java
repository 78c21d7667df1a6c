package dev.iris.asset;

import dev.iris.image.Encoder;
import dev.iris.image.ImageFormat;
import dev.iris.image.Rgb8Image;

/**
 * The LR as lossless WebP (VP8L) and the alpha plane as a second, gray lossless WebP, laid out as
 * {@link PngLrCodec} lays out its PNGs. Stateless; one instance. Needs libwebp, which the webp-imageio plugin
 * bundles for common platforms ({@link Encoder#supports}).
 *
 * <p>The effort is libwebp's method {@value #METHOD} at effort (lossless "quality") {@value #EFFORT}, cwebp's
 * {@code -z 5}, chosen from encode time against bytes on the LRs of the demo photos and a 3 MP photo
 * (docs/STORAGE.md, docs/WEBP-EFFORT.md): 60% of the PNG bytes, where levels 3 to 7 all land within 0.3% of each
 * other (and 1% below level 4 on the evaluation photos); level 8 saves 1% more at about 4x the time and level 9 2% more at about 40x (15 s for the LR of a 3 MP
 * photo, minutes for a 50 MP one), while at this level the encode is a small part of an ingest next to the
 * model's downscale. Changing it changes no pixel and no existing asset, only how small new ones are.
 */
final class WebpLrCodec implements LrCodec {
    static final String ID = "webp";
    static final WebpLrCodec INSTANCE = new WebpLrCodec();
    static final int METHOD = 4;
    static final int EFFORT = 50;

    private WebpLrCodec() {}

    @Override
    public String id() {
        return ID;
    }

    @Override
    public String extension() {
        return "webp";
    }

    @Override
    public boolean available() {
        return Encoder.supports(ImageFormat.WEBP);
    }

    @Override
    public EncodedLr encode(Rgb8Image lr) {
        byte[] rgb = Encoder.webpLossless(lr.withoutAlpha(), METHOD, EFFORT);
        byte[] alpha = lr.hasAlpha() ? Encoder.webpLossless(LrPlanes.grayImage(lr), METHOD, EFFORT) : null;
        return new EncodedLr(rgb, alpha);
    }

    @Override
    public Rgb8Image decode(EncodedLr encoded, int width, int height) {
        Rgb8Image lr = LrPlanes.decode(encoded.lr(), "webp", "LR", width, height);
        if (!encoded.hasAlpha()) {
            return lr;
        }
        return lr.withAlpha(LrPlanes.firstChannel(LrPlanes.decode(encoded.alpha(), "webp", "alpha plane", width,
                height)));
    }
}
