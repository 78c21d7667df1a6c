/**
 * SHA-256 as hex text, the one hash iris uses for model checksums, asset versions, source digests and ETags.
 *
 * <p>Uses nothing but {@code java.base}, so every other package, {@code dev.iris.ort} included, may use it
 * without a dependency pointing upwards. Keep it that way: anything that needs more belongs elsewhere.
 */
package dev.iris.hash;
