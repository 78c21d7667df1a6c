package dev.iris.asset;

import java.util.Objects;

/**
 * An LR as its {@link LrCodec} stores it: the LR's bytes and, for an image with transparency, the alpha plane's.
 * Immutable by contract (nobody writes to the arrays once made).
 *
 * @param lr    the encoded LR pixels
 * @param alpha the encoded alpha plane, or {@code null} when the image is opaque
 */
public record EncodedLr(byte[] lr, byte[] alpha) {
    public EncodedLr {
        Objects.requireNonNull(lr, "lr");
    }

    public boolean hasAlpha() {
        return alpha != null;
    }
}
