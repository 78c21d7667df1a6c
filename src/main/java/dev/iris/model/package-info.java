/**
 * Invertible rescaling models: model packs on disk ({@code models/<id>/model.json}, {@code down.onnx},
 * {@code up.onnx}, optionally {@code lr_grad.onnx}), validated at startup, and the conversions between images and the tensors the ONNX contract
 * fixes (planar float32 RGB in [0, 1], sizes a multiple of the scale); the rescaler that runs them on images in
 * overlapping tiles sized to a memory budget; encode-time optimisation of an LR through the pack's gradient graph
 * ({@link dev.iris.model.LrOptimizer}, HCD's LR stage); and the model runner (a bounded pool and queue with time limits).
 *
 * <p>Uses {@code dev.iris.ort} and {@code dev.iris.image}; knows nothing of HTTP or storage.
 */
package dev.iris.model;
