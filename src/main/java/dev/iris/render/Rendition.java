package dev.iris.render;

/**
 * A rendered answer.
 *
 * @param provisional whether it is the LR resampled conventionally because the restore it needs was not ready
 *                    within {@code serving.restoreWaitMs}: not the image its URL stands for, so not to be cached
 */
public record Rendition(EncodedImage image, boolean provisional) {}
