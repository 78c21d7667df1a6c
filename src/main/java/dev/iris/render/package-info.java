/**
 * Rendering one asset version at one size: plan the size, pick the pixels (the stored LR, or the model's restore),
 * resample, encode; with the byte-weighted, coalescing Caffeine caches that make a model run happen once per asset
 * version. Knows nothing of HTTP.
 */
package dev.iris.render;
