package dev.iris.asset;

import dev.iris.image.Encoder;
import dev.iris.image.ImageFormat;
import dev.iris.image.Rgb8Image;

/**
 * The LR as lossless WebP (VP8L) and the alpha plane as a second, gray lossless WebP, laid out as
 * {@link PngLrCodec} lays out its PNGs. Stateless; one instance. Needs libwebp, which the webp-imageio plugin
 * bundles for common platforms ({@link Encoder#supports}).
 *
 * <p>The effort is libwebp's method {@value #METHOD} at quality {@value #EFFORT}, chosen from ingest time against
 * bytes on the demo photos and a 3 MP photo (docs/STORAGE.md): it gets within about 1% of the smallest files libwebp
 * makes (method 6, effort 100) at a small fraction of the time. Changing it changes no pixel and no existing
 * asset, only how small new ones are.
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
        return LosslessProbe.WORKS;
    }

    /**
     * One tiny lossless encode, tried once per JVM: lossy WebP output working does not prove the lossless path does
     * (in the failsafe JVM the plugin's writer did not hand out its own parameter type), and a codec that cannot
     * encode must make the store fall back to PNG at start rather than fail every ingest.
     */
    private static final class LosslessProbe {
        static final boolean WORKS = probe();

        private static boolean probe() {
            if (!Encoder.supports(ImageFormat.WEBP)) {
                return false;
            }
            try {
                return Encoder.webpLossless(Rgb8Image.opaque(2, 2, new byte[12]), 0, 0).length > 12;
            } catch (RuntimeException | LinkageError e) {
                return false;
            }
        }
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
