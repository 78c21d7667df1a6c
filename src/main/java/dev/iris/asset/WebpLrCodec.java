package dev.iris.asset;

import dev.iris.image.Encoder;
import dev.iris.image.ImageFormat;
import dev.iris.image.Rgb8Image;
import java.util.concurrent.Semaphore;

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
 *
 * <p>libwebp's lossless encoder holds about 31-33 bytes of native memory per pixel at its peak, whatever the
 * method (measured on a 12.5 MP LR, the x2 LR of a 50 MP source: 391 MiB; docs/STORAGE.md), outside every budget
 * the JVM knows. So encodes of LRs above {@value #LARGE_PIXELS} pixels take turns, and the memory budget reserves
 * {@link #encodeNativeBytes} for the largest LR the limits allow. WebP cannot hold an image with a side over
 * {@value #MAX_SIDE} pixels; such an LR is stored as PNG ({@link #fits}).
 */
final class WebpLrCodec implements LrCodec {
    static final String ID = "webp";
    static final WebpLrCodec INSTANCE = new WebpLrCodec();
    static final int METHOD = 4;
    static final int EFFORT = 50;
    /** WebP's largest width or height. */
    static final int MAX_SIDE = 16383;
    /** Native bytes per LR pixel while encoding, rounded up from the 31-33 measured. */
    static final long NATIVE_BYTES_PER_PIXEL = 36;
    /** LRs larger than this are encoded one at a time (each needs over 100 MB of native memory). */
    static final long LARGE_PIXELS = 3_000_000;
    private static final Semaphore LARGE_ENCODES = new Semaphore(1);

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
    public long encodeNativeBytes(long lrPixels) {
        return NATIVE_BYTES_PER_PIXEL * lrPixels;
    }

    @Override
    public boolean fits(int width, int height) {
        return width <= MAX_SIDE && height <= MAX_SIDE;
    }

    @Override
    public EncodedLr encode(Rgb8Image lr) {
        boolean large = (long) lr.width() * lr.height() > LARGE_PIXELS;
        if (large) {
            LARGE_ENCODES.acquireUninterruptibly(); // a wait of seconds at most, for an ingest that takes minutes
        }
        try {
            byte[] rgb = Encoder.webpLossless(lr.withoutAlpha(), METHOD, EFFORT);
            byte[] alpha = lr.hasAlpha() ? Encoder.webpLossless(LrPlanes.grayImage(lr), METHOD, EFFORT) : null;
            return new EncodedLr(rgb, alpha);
        } finally {
            if (large) {
                LARGE_ENCODES.release();
            }
        }
    }

    @Override
    public Rgb8Image decode(EncodedLr encoded, int width, int height) {
        return LrPlanes.decode(encoded, "webp", "webp", width, height);
    }
}
