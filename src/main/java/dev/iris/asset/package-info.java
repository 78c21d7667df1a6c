/**
 * Assets: each image stored once as the 8-bit LR a model made of it (lossless PNG), an optional alpha plane, and
 * a JSON metadata file; the store behind the {@link dev.iris.asset.AssetStore} interface, and ingest.
 *
 * <p>Writes are atomic: a new version's files are written under new names, then the metadata file, which points
 * at them, is renamed into place. A failed or concurrent ingest never leaves a torn asset.
 */
package dev.iris.asset;
