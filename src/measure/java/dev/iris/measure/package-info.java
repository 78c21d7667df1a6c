/**
 * Measurement, its own source set ({@code src/measure/java}) and jar ({@code target/iris-measure.jar}), never part of
 * {@code iris.jar} or {@code iris.war}: {@code eval} (quality and stored bytes against what a user would pick
 * instead), {@code bench} (speed and memory of the model path and of the server, against baselines),
 * {@code loadtest} (bounded overload on loopback) and {@code bench-ort} (our FFM binding against ONNX Runtime's JNI
 * API). They drive iris through its public pieces ({@link dev.iris.app.IrisApp}, {@link dev.iris.server.IrisServer})
 * and the same code paths as serving, need no hook in the shipped code, and write their results to {@code docs/}.
 * {@link dev.iris.measure.Main} dispatches; {@code ./iris eval|bench|loadtest|bench-ort} runs it.
 */
package dev.iris.measure;
