package dev.iris.render;

import dev.iris.image.ImageFormat;

/** Encoded response bytes. Immutable by contract: nobody writes to {@code bytes}. */
public record EncodedImage(byte[] bytes, ImageFormat format, int width, int height) {
    /** Heap bytes held, for cache weighing. */
    public int weight() {
        return bytes.length + 64;
    }
}
