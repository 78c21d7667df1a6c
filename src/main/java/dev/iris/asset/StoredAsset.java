package dev.iris.asset;

import dev.iris.image.Rgb8Image;

/**
 * An asset's metadata with its decoded LR pixels; the alpha plane, if stored, is attached to {@code lr}.
 * Immutable.
 */
public record StoredAsset(AssetMeta meta, Rgb8Image lr) {}
