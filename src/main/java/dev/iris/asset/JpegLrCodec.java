package dev.iris.asset;

import dev.iris.image.Encoder;
import dev.iris.image.ImageFormat;
import dev.iris.image.Rgb8Image;
import dev.iris.model.ModelCard;

/**
 * The LR as a baseline JPEG at one quality, for a compression-aware model trained to be stored that way
 * ({@code lr_codec} in its card); the alpha plane, which no model restores, as a lossless gray PNG beside it.
 *
 * <p>Java's JPEG writer makes what the training modelled ({@code models/train/jpeg_sim.py}): JFIF YCbCr, 4:2:0
 * chroma, the Annex K tables scaled as libjpeg scales them by quality. Lossy, so it is never the store's own codec
 * and never a target of {@code iris migrate}: only a model that asks for it gets it, and its version's pixels are
 * what this codec decodes to ({@link #decode}), which the ingest measures and restores from.
 *
 * @param quality the libjpeg quality, 1 to 100; part of the id, so a version names exactly how it was stored
 */
record JpegLrCodec(int quality) implements LrCodec {
    static final String PREFIX = "jpeg-q";

    JpegLrCodec {
        new ModelCard.LossyCodec("jpeg", quality); // the same range a card may name
    }

    static JpegLrCodec of(ModelCard.LossyCodec codec) {
        return new JpegLrCodec(codec.quality());
    }

    /** The codec an id such as {@code jpeg-q80} names, or null when {@code id} is not one. */
    static JpegLrCodec parse(String id) {
        if (!id.matches(PREFIX + "[1-9][0-9]{0,2}")) {
            return null;
        }
        int quality = Integer.parseInt(id.substring(PREFIX.length()));
        return quality <= 100 ? new JpegLrCodec(quality) : null;
    }

    @Override
    public String id() {
        return PREFIX + quality;
    }

    @Override
    public String extension() {
        return "jpg";
    }

    @Override
    public boolean lossless() {
        return false;
    }

    @Override
    public boolean available() {
        return true;
    }

    /** JPEG holds sides up to 65535; the upload limits keep every LR far below that. */
    @Override
    public boolean fits(int width, int height) {
        return width <= 65_535 && height <= 65_535;
    }

    /** None to speak of: the JDK's JPEG writer works on the heap and per scanline. */
    @Override
    public long encodeNativeBytes(long lrPixels) {
        return 0;
    }

    @Override
    public EncodedLr encode(Rgb8Image lr) {
        byte[] rgb = Encoder.encode(lr.withoutAlpha(), ImageFormat.JPEG, quality);
        byte[] alpha = lr.hasAlpha() ? Encoder.encode(LrPlanes.grayImage(lr), ImageFormat.PNG, 100) : null;
        return new EncodedLr(rgb, alpha);
    }

    @Override
    public Rgb8Image decode(EncodedLr encoded, int width, int height) {
        return LrPlanes.decode(encoded, "jpeg", "png", width, height);
    }
}
