package dev.iris.ort;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.SegmentAllocator;
import java.util.Arrays;
import java.util.List;

/** Conversions between {@code OrtValue}s / {@code OrtTensorTypeAndShapeInfo}s and Java records. Stateless. */
final class Values {
    private Values() {}

    /**
     * An {@code OrtValue} over {@code tensor}'s memory (no copy), released when {@code owner} closes. The
     * tensor's memory must outlive {@code owner}.
     */
    static MemorySegment wrap(OrtRuntime runtime, SegmentAllocator temporaries, Arena owner, FloatTensor tensor) {
        long[] dims = tensor.dims();
        MemorySegment shape = temporaries.allocate(JAVA_LONG, Math.max(1, dims.length));
        MemorySegment.copy(dims, 0, shape, JAVA_LONG, 0, dims.length);
        MemorySegment out = temporaries.allocate(ADDRESS);
        runtime.api.createTensorWithData(runtime.cpuMemory, tensor.data(), tensor.data().byteSize(), shape,
                dims.length, ElementType.FLOAT.ordinal(), out);
        return out.get(ADDRESS, 0).reinterpret(owner, runtime.api::releaseValue);
    }

    /** Reads a tensor type-and-shape description; {@code info} stays owned by the caller. */
    static TensorInfo describe(Api api, SegmentAllocator call, String name, MemorySegment info) {
        if (info.address() == 0) { // not a tensor (a sequence or map): iris never uses those
            return new TensorInfo(name, ElementType.UNDEFINED, List.of());
        }
        MemorySegment type = call.allocate(JAVA_INT);
        api.elementType(info, type);
        MemorySegment count = call.allocate(JAVA_LONG);
        api.dimensionsCount(info, count);
        int rank = (int) count.get(JAVA_LONG, 0);
        MemorySegment dims = call.allocate(JAVA_LONG, Math.max(1, rank));
        api.dimensions(info, dims, rank);
        long[] shape = Arrays.copyOf(dims.toArray(JAVA_LONG), rank);
        return new TensorInfo(name, ElementType.of(type.get(JAVA_INT, 0)), Arrays.stream(shape).boxed().toList());
    }

    /** The type and shape of a tensor value. */
    static TensorInfo describeValue(Api api, SegmentAllocator call, String name, MemorySegment value) {
        MemorySegment out = call.allocate(ADDRESS);
        api.tensorTypeAndShape(value, out);
        MemorySegment info = out.get(ADDRESS, 0);
        try {
            return describe(api, call, name, info);
        } finally {
            api.releaseTensorTypeAndShape(info);
        }
    }

    /** The start of a tensor value's data, as a zero-length segment. */
    static MemorySegment dataPointer(Api api, SegmentAllocator call, MemorySegment value) {
        MemorySegment out = call.allocate(ADDRESS);
        api.tensorData(value, out);
        return out.get(ADDRESS, 0);
    }
}
