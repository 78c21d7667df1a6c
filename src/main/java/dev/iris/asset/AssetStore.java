package dev.iris.asset;

import dev.iris.image.Rgb8Image;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * Where assets live. Implementations are thread-safe, replace an asset atomically (readers see the old version or
 * the new, never a mix), and notice an asset changed behind their back (by another process or node) within their
 * staleness bound (on the next {@link #find} when it is zero). A store that cannot be reached throws
 * {@link AssetUnavailable}.
 */
public interface AssetStore {
    /**
     * PNG LRs as files in {@code dir} (created if missing), in the
     * layout every iris so far has written ({@code <name>.json}, {@code <name>.<version>.lr.png},
     * {@code <name>.<version>.alpha.png}).
     *
     * @throws java.io.UncheckedIOException if the directory cannot be created
     */
    static AssetStore inDirectory(Path dir) {
        return of(BlobStore.directory(dir), LrCodec.png());
    }

    /**
     * Assets kept in {@code blobs}, new versions encoded with {@code codec}. Versions already stored are read with
     * the codec their metadata names, so changing {@code codec} needs no migration.
     */
    static AssetStore of(BlobStore blobs, LrCodec codec) {
        return of(blobs, codec, Duration.ZERO);
    }

    /**
     * Like {@link #of(BlobStore, LrCodec)}, answering lookups from memory for up to {@code staleness} before asking
     * the blob store again: a version committed elsewhere is seen within it; this store's own puts at once.
     */
    static AssetStore of(BlobStore blobs, LrCodec codec, Duration staleness) {
        return new BlobAssetStore(blobs, codec, staleness, System::nanoTime);
    }

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
     * {@code version}, {@code codec}, {@code lrWidth}, {@code lrHeight}, {@code hasAlpha} and {@code storedBytes}
     * in {@code meta} are ignored (the store derives them from {@code lr}, its codec and what it writes); the stored
     * metadata is returned.
     *
     * @throws AssetException if it could not be written; the previous version is then intact
     */
    AssetMeta put(AssetMeta meta, Rgb8Image lr);

    /**
     * As {@link #put(AssetMeta, Rgb8Image)}, storing {@code lr} with {@code codec} instead of the store's own: the
     * lossy codec a compression-aware model was trained for. The version then holds what {@code codec} decodes
     * {@code lr} to, which the caller measures and restores from ({@link LrCodec#decode}).
     */
    AssetMeta put(AssetMeta meta, Rgb8Image lr, LrCodec codec);

    /**
     * Re-encodes the current version of {@code name} with this store's codec, keeping its pixels and its version:
     * reads and decodes it, encodes and decodes the new payloads and compares every pixel (alpha included), then,
     * under the name's lock, writes them and commits the new metadata through the same compare-and-set as
     * {@link #put}, and only then deletes the old payloads. A put that commits in between wins: the recoding then
     * writes nothing. Safe to repeat: a version already in the codec is left alone.
     *
     * @throws AssetException if it cannot be read, decoded or written, or would not be pixel-identical; the
     *                        asset is then as it was
     */
    Recoding recode(AssetName name);

    /** Every asset's current metadata, by name. */
    List<AssetMeta> list();
}
