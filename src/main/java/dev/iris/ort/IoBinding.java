package dev.iris.ort;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.List;

/**
 * An {@code OrtIoBinding}: inputs and outputs bound once, then run many times, so repeated runs over the same
 * buffers skip the per-run name lookups and value creation. Not thread-safe; one thread at a time, closed
 * before its session.
 *
 * <p>Bound tensors are read and written in place; their memory must outlive this binding. Each bind call
 * creates a small native value that lives until the binding closes.
 */
public final class IoBinding implements AutoCloseable {
    private final OrtRuntime runtime;
    private final Session session;
    private final Arena arena = Arena.ofShared();
    private final MemorySegment handle;

    IoBinding(OrtRuntime runtime, Session session) {
        this.runtime = runtime;
        this.session = session;
        MemorySegment out = arena.allocate(ADDRESS);
        runtime.api.createIoBinding(session.handle(), out);
        handle = out.get(ADDRESS, 0).reinterpret(arena, runtime.api::releaseIoBinding);
    }

    /** Binds a model input to {@code tensor}'s memory. */
    public IoBinding input(String name, FloatTensor tensor) {
        runtime.api.bindInput(handle, session.cName(arena, name, true), Values.wrap(runtime, arena, arena, tensor));
        return this;
    }

    /** Binds a model output to {@code tensor}'s memory, which must have the exact output shape. */
    public IoBinding output(String name, FloatTensor tensor) {
        runtime.api.bindOutput(handle, session.cName(arena, name, false), Values.wrap(runtime, arena, arena, tensor));
        return this;
    }

    /** Lets ORT allocate the named output in CPU memory on each run; read it with {@link #outputs()}. */
    public IoBinding outputToCpu(String name) {
        runtime.api.bindOutputToDevice(handle, session.cName(arena, name, false), runtime.cpuMemory);
        return this;
    }

    /** Runs the session on the bound buffers. */
    public void run(RunControl control) {
        session.runBinding(handle, control);
        runtime.api.synchronizeBoundOutputs(handle);
    }

    /** The bound outputs of the last run as a result the caller closes (fresh ORT values, in binding order). */
    public RunResult outputs() {
        try (Scratch call = new Scratch()) {
            MemorySegment array = call.allocate(ADDRESS);
            MemorySegment count = call.allocate(JAVA_LONG);
            runtime.api.boundOutputValues(handle, runtime.allocator, array, count);
            int n = (int) count.get(JAVA_LONG, 0);
            if (n == 0) {
                return new RunResult(runtime.api, call, List.of(), List.of());
            }
            MemorySegment pointers = array.get(ADDRESS, 0).reinterpret(ADDRESS.byteSize() * n);
            List<MemorySegment> values = new ArrayList<>(n);
            for (int i = 0; i < n; i++) {
                values.add(pointers.getAtIndex(ADDRESS, i));
            }
            runtime.api.allocatorFree(runtime.allocator, pointers); // the array only; the values are ours now
            List<String> names = session.outputs().stream().map(TensorInfo::name).limit(n).toList();
            return new RunResult(runtime.api, call, names, values);
        }
    }

    @Override
    public void close() {
        arena.close();
    }
}
