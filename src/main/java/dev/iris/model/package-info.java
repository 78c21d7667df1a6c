/**
 * Invertible rescaling models: model packs on disk ({@code models/<id>/model.json}, {@code down.onnx}, {@code up.onnx},
 * optionally {@code lr_grad.onnx} and {@code hr_grad.onnx}), validated at startup (the gradient graphs open on first
 * use), and the conversions between images and the tensors the ONNX contract fixes (planar float32 RGB in [0, 1], sizes
 * a multiple of the scale); the two families behind {@link dev.iris.model.RescaleModel} (IRN at a fixed scale, the
 * arbitrary-scale family with iris's resampler around an integer-scale core), both run over images in overlapping tiles
 * sized to a memory budget; encode-time optimisation of an IRN pack's LR through its gradient graphs (HCD:
 * {@link dev.iris.model.HrOptimizer}, then {@link dev.iris.model.LrOptimizer}); and the model runner (a bounded pool
 * and queue with time limits).
 *
 * <p>Uses {@code dev.iris.ort} and {@code dev.iris.image}; knows nothing of HTTP or storage.
 */
package dev.iris.model;
