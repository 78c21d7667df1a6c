package dev.iris.ort;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.Arrays;
import java.util.List;

/**
 * A float32 tensor: a shape over native memory that the caller owns. Immutable; thread-safe as far as the
 * memory is.
 *
 * <p>ORT reads and writes {@code data} in place without copying it, so the memory must stay alive for every
 * run that uses the tensor. It must be native memory: ORT keeps the pointer, so a heap segment could move
 * under it.
 */
public record FloatTensor(MemorySegment data, List<Long> shape) {
    public FloatTensor {
        shape = List.copyOf(shape);
        if (!data.isNative()) {
            throw new IllegalArgumentException("tensor data must be native memory, got a heap segment");
        }
        long expected = Float.BYTES * elementCount(shape);
        if (data.byteSize() != expected) {
            throw new IllegalArgumentException(
                    "tensor of shape " + shape + " needs " + expected + " bytes, got " + data.byteSize());
        }
    }

    /** Wraps {@code data} (no copy). */
    public static FloatTensor of(MemorySegment data, long... shape) {
        return new FloatTensor(data, Arrays.stream(shape).boxed().toList());
    }

    /** A zero-filled tensor in {@code arena}, which owns it. */
    public static FloatTensor allocate(Arena arena, long... shape) {
        List<Long> dims = Arrays.stream(shape).boxed().toList();
        return new FloatTensor(arena.allocate(Float.BYTES * elementCount(dims), Float.BYTES), dims);
    }

    /** A tensor in {@code arena} holding a copy of {@code values}. */
    public static FloatTensor copyOf(Arena arena, float[] values, long... shape) {
        FloatTensor tensor = allocate(arena, shape);
        MemorySegment.copy(values, 0, tensor.data, ValueLayout.JAVA_FLOAT, 0, values.length);
        return tensor;
    }

    /** The values, copied onto the heap. */
    public float[] toArray() {
        return data.toArray(ValueLayout.JAVA_FLOAT);
    }

    public long elementCount() {
        return elementCount(shape);
    }

    long[] dims() {
        return shape.stream().mapToLong(Long::longValue).toArray();
    }

    static long elementCount(List<Long> shape) {
        long n = 1;
        for (long d : shape) {
            if (d < 0) {
                throw new IllegalArgumentException("tensor dimensions must be >= 0, got " + shape);
            }
            n = Math.multiplyExact(n, d);
        }
        return n;
    }
}
