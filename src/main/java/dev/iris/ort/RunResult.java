package dev.iris.ort;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.SegmentAllocator;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The outputs of one run, in memory ORT allocated. Confined to the thread that ran the model: only that thread
 * reads the tensors and closes the result, after which every tensor it handed out throws
 * {@link IllegalStateException} on access instead of reading freed memory. (A confined arena, unlike a shared
 * one, closes without a handshake with every thread in the JVM, which costs tens of microseconds a call.)
 */
public final class RunResult implements AutoCloseable {
    private final Arena arena = Arena.ofConfined();
    private final Map<String, FloatTensor> tensors = new LinkedHashMap<>();
    private final List<TensorInfo> infos = new ArrayList<>();

    /** Takes ownership of {@code values}, which are released on close; {@code call} holds temporaries. */
    RunResult(Api api, SegmentAllocator call, List<String> names, List<MemorySegment> values) {
        for (MemorySegment value : values) {
            value.reinterpret(arena, api::releaseValue); // the arena now releases it
        }
        for (int i = 0; i < names.size(); i++) {
            MemorySegment value = values.get(i);
            TensorInfo info = Values.describeValue(api, call, names.get(i), value);
            infos.add(info);
            if (info.type() == ElementType.FLOAT) {
                long bytes = Float.BYTES * FloatTensor.elementCount(info.shape());
                MemorySegment data = Values.dataPointer(api, call, value).reinterpret(bytes, arena, null);
                tensors.put(info.name(), new FloatTensor(data, info.shape()));
            }
        }
    }

    /** Names, element types and actual shapes of the outputs, in the order they were asked for. */
    public List<TensorInfo> outputs() {
        return List.copyOf(infos);
    }

    /**
     * The named float32 output, a view valid until this result closes.
     *
     * @throws IllegalArgumentException if there is no such output or it is not float32
     */
    public FloatTensor tensor(String name) {
        FloatTensor tensor = tensors.get(name);
        if (tensor == null) {
            throw new IllegalArgumentException("no float32 output named " + name + "; outputs are " + infos);
        }
        return tensor;
    }

    /** The first output, for the common single-output model. */
    public FloatTensor first() {
        return tensor(infos.getFirst().name());
    }

    @Override
    public void close() {
        arena.close();
    }
}
