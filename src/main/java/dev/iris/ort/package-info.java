/**
 * ONNX Runtime, called through its C API with the Java Foreign Function &amp; Memory API.
 *
 * <p>{@link dev.iris.ort.OrtRuntime} loads the native library once per process (from Microsoft's Maven Central
 * jar, or from a path the user configures) and opens {@link dev.iris.ort.Session}s. Tensors are caller-owned
 * native memory described by {@link dev.iris.ort.FloatTensor}; nothing in this package copies pixels on the way
 * in. Every native handle has exactly one Java owner whose {@code close()} releases it once; a closed owner
 * throws {@link java.lang.IllegalStateException} instead of touching freed memory.
 *
 * <p>Nothing here knows about images or HTTP. No other iris package may see an ORT pointer or a
 * {@link java.lang.invoke.MethodHandle}.
 */
package dev.iris.ort;
