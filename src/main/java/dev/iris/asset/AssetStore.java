package dev.iris.asset;

import dev.iris.image.Rgb8Image;
import java.util.List;
import java.util.Optional;

/**
 * Where assets live. Implementations are thread-safe, replace an asset atomically (readers see the old version or
 * the new, never a mix), and notice an asset changed behind their back (by another process) on the next
 * {@link #find}.
 */
public interface AssetStore {
    /** The current metadata of {@code name}, if it exists. */
    Optional<AssetMeta> find(AssetName name);

    /**
     * The pixels of the version {@code meta} describes.
     *
     * @throws AssetException if that version is gone (replaced since) or unreadable
     */
    StoredAsset read(AssetMeta meta);

    /**
     * Stores {@code lr} (with its alpha plane, if any) as the new version of {@code meta.name()}, atomically. The
     * {@code version} in {@code meta} is ignored; the stored one is returned.
     *
     * @throws AssetException if it could not be written; the previous version is then intact
     */
    AssetMeta put(AssetMeta meta, Rgb8Image lr);

    /** Every asset's current metadata, by name. */
    List<AssetMeta> list();
}
