package dev.iris.asset;

import dev.iris.image.Rgb8Image;

/**
 * Takes the restore an ingest made of a new asset version, so that its first large request needs no model run:
 * the render cache, and a restored tier of the store where there is one. Implementations are thread-safe.
 */
public interface RestoreKeeper {
    /** Keeps nothing: an ingest restores only the window its round trip is measured on. */
    RestoreKeeper NONE = new RestoreKeeper() {
        @Override
        public boolean wantsWhole(long restoredBytes) {
            return false;
        }

        @Override
        public void keep(AssetMeta stored, Rgb8Image lr, Rgb8Image restored) {}
    };

    /**
     * Whether a restore of {@code restoredBytes} (3 per original pixel) is worth keeping even where the ingest would
     * otherwise restore only its measuring window: the whole restore then costs the ingest more model time, paid
     * back by the first large request only if the kept image is still there when it comes.
     */
    boolean wantsWhole(long restoredBytes);

    /**
     * Keeps {@code restored}, the model's restore of {@code lr} at the original size (RGB only: alpha never goes
     * through the model), as the restored source of the version {@code stored}, which is committed by now.
     * Called on the ingest's thread; it must not fail the ingest, which has already succeeded.
     */
    void keep(AssetMeta stored, Rgb8Image lr, Rgb8Image restored);
}
