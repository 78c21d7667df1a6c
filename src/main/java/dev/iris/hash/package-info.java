/**
 * SHA-256 as hex text: checksums (model files, uploads, the bundled native library) and short identifiers
 * derived from content (asset versions, ETags).
 *
 * <p>Uses nothing but {@code java.base}, so every other package, {@code dev.iris.ort} included, may use it
 * without a dependency pointing upwards. Keep it that way: anything that needs more belongs elsewhere.
 */
package dev.iris.hash;
