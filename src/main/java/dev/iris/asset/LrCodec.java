package dev.iris.asset;

import dev.iris.image.Rgb8Image;
import dev.iris.model.ModelCard;
import java.util.Optional;

/**
 * Turns an LR, with its optional alpha plane, into the bytes an asset version stores, and back. Implementations
 * are stateless and thread-safe.
 *
 * <p>Each version's metadata records the {@link #id()} of the codec that wrote it, so one store can hold versions
 * written by several codecs (PNG, lossless WebP, a compression-aware model's JPEG) and read each with its own.
 * Sealed because that id is a promise about files already on disk: a codec is added here, with a test that reads
 * what it wrote, not plugged in from outside.
 */
public sealed interface LrCodec permits PngLrCodec, WebpLrCodec, JpegLrCodec {
    /** Lossless PNG: the LR as 8-bit RGB, the alpha plane as a gray PNG beside it. What every iris so far wrote. */
    static LrCodec png() {
        return PngLrCodec.INSTANCE;
    }

    /**
     * Lossless WebP: the LR and the alpha plane as two lossless WebPs, pixel for pixel what PNG stores, in about
     * half to three quarters of its bytes on photos. What new assets are stored as by default.
     */
    static LrCodec webp() {
        return WebpLrCodec.INSTANCE;
    }

    /**
     * The lossy codec a compression-aware model was trained for ({@code lr_codec} in its card): what its LRs are
     * stored as, whatever the store's own codec.
     */
    static LrCodec of(ModelCard.LossyCodec trained) {
        return JpegLrCodec.of(trained);
    }

    /** The codec whose {@link #id()} is {@code id}, if this iris knows it. */
    static Optional<LrCodec> byId(String id) {
        return switch (id) {
            case PngLrCodec.ID -> Optional.of(PngLrCodec.INSTANCE);
            case WebpLrCodec.ID -> Optional.of(WebpLrCodec.INSTANCE);
            default -> Optional.ofNullable(JpegLrCodec.parse(id));
        };
    }

    /** The name recorded in metadata ({@code "codec"}); never changes once versions carry it. */
    String id();

    /** The file extension of its payloads, without the dot; part of each payload's key. */
    String extension();

    /**
     * Whether decoding gives back exactly the pixels encoded. A store's own codec is always lossless; a lossy one is
     * used only for a model trained for it, and a version stored with it is never re-encoded.
     */
    default boolean lossless() {
        return true;
    }

    /** Whether this machine can encode and decode it (WebP needs libwebp's native library). */
    boolean available();

    /**
     * Whether it can store an LR of this size; WebP cannot hold a side over 16383 pixels. The store keeps an LR
     * that does not fit as PNG, which holds any size.
     */
    boolean fits(int width, int height);

    /**
     * Memory outside the Java heap that encoding an LR of {@code lrPixels} may take at its peak, and that the
     * process's memory budget must leave room for: encodes that need much are run one at a time, so this is also
     * what all of them together take beside small ones.
     */
    long encodeNativeBytes(long lrPixels);

    /**
     * What a reader of a version stored with this codec gets for {@code lr}: {@code lr} itself for a lossless
     * codec, else what its encoding decodes to.
     */
    default Rgb8Image stored(Rgb8Image lr) {
        return lossless() ? lr : decode(encode(lr), lr.width(), lr.height());
    }

    /** Encodes {@code lr}, and its alpha plane if it has one. */
    EncodedLr encode(Rgb8Image lr);

    /**
     * Decodes what {@link #encode} made, checking it is {@code width} x {@code height} (LR pixels), so that a
     * payload that does not belong to its metadata is caught here rather than as a wrong picture later.
     *
     * @throws dev.iris.image.ImageException if the bytes are not a valid encoding or have another size; the message
     *                                       names the size found and the one expected
     */
    Rgb8Image decode(EncodedLr encoded, int width, int height);
}
