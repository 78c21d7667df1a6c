/**
 * Assets: each image stored once as the 8-bit LR a model made of it, an optional alpha plane, and metadata; the
 * store behind the {@link dev.iris.asset.AssetStore} interface, and ingest.
 *
 * <p>The store is a composition of two parts with one reason to change each: an {@link dev.iris.asset.LrCodec}
 * (pixels to bytes and back: PNG now) and a {@link dev.iris.asset.BlobStore} (bytes under keys with one atomic
 * commit point per name: a directory, or an S3 bucket through {@link dev.iris.asset.S3Bucket}).
 * {@link dev.iris.asset.AssetStore#inDirectory} builds the default; {@link dev.iris.asset.AssetStore#of} any other
 * pairing. Beside the assets, the {@link dev.iris.asset.RestoredTier} keeps the model's restores of asset versions
 * in the same store, for every node and every restart to reuse.
 *
 * <p>Writes are atomic: a new version's payloads are written under new, content-named keys, then the metadata,
 * which points at them, is committed in one step. A failed, crashed or concurrent ingest never leaves a torn asset.
 */
package dev.iris.asset;
