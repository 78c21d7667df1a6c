package dev.iris.ort;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.SegmentAllocator;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.locks.ReentrantReadWriteLock;

/**
 * A loaded model (an {@code OrtSession}). Thread-safe: any number of threads may {@link #run} at once, as ORT
 * allows. {@link #close()} waits for runs in flight, then releases the session; later calls throw
 * {@link IllegalStateException}.
 *
 * <p>Opened with {@link SessionOptions#widensAlone()} on the CPU, it holds a second {@code OrtSession} of the same
 * model with {@link SessionOptions#aloneIntraOpThreads()} threads, which runs whose control says they are alone
 * ({@link RunControl#runAlone}) use: ORT fixes a session's thread pool when it opens it, so one width per session.
 */
public final class Session implements AutoCloseable {
    private final OrtRuntime runtime;
    private final Api api;
    private final Arena arena = Arena.ofShared();
    private final MemorySegment handle;
    /** The wider session for runs that are alone, or {@link MemorySegment#NULL}. */
    private final MemorySegment aloneHandle;
    private final List<TensorInfo> inputs;
    private final List<TensorInfo> outputs;
    /** NUL-terminated names, owned by {@link #arena}, keyed like {@link #inputs} and {@link #outputs}. */
    private final Map<String, MemorySegment> inputNames = new LinkedHashMap<>();
    private final Map<String, MemorySegment> outputNames = new LinkedHashMap<>();
    private final List<String> outputOrder;
    private final String provider;
    /** Runs hold the read lock, close the write lock: close never frees a session under a running thread. */
    private final ReentrantReadWriteLock lifecycle = new ReentrantReadWriteLock();
    private boolean closed;

    private Session(OrtRuntime runtime, MemorySegment rawHandle, MemorySegment rawAloneHandle, String provider) {
        this.runtime = runtime;
        this.api = runtime.api;
        this.handle = rawHandle.reinterpret(arena, api::releaseSession);
        this.aloneHandle = rawAloneHandle.address() == 0 ? MemorySegment.NULL
                : rawAloneHandle.reinterpret(arena, api::releaseSession);
        this.provider = provider;
        this.inputs = describe(true);
        this.outputs = describe(false);
        inputs.forEach(info -> inputNames.put(info.name(), arena.allocateFrom(info.name())));
        outputs.forEach(info -> outputNames.put(info.name(), arena.allocateFrom(info.name())));
        outputOrder = List.copyOf(outputNames.keySet());
    }

    static Session open(OrtRuntime runtime, ModelSource source, SessionOptions options) {
        try (NativeSessionOptions nativeOptions = NativeSessionOptions.create(runtime.api, options)) {
            MemorySegment session = create(runtime, source, nativeOptions);
            MemorySegment alone = MemorySegment.NULL;
            // A wider CPU pool only: a GPU session's work does not run on these threads.
            if (options.widensAlone() && nativeOptions.provider().equals(ExecutionProvider.cpu().ortName())) {
                try (NativeSessionOptions wide = NativeSessionOptions.create(runtime.api,
                        options.withIntraOpThreads(options.aloneIntraOpThreads()))) {
                    alone = create(runtime, source, wide);
                } catch (RuntimeException e) {
                    runtime.api.releaseSession(session);
                    throw e;
                }
            }
            return new Session(runtime, session, alone, nativeOptions.provider());
        }
    }

    private static MemorySegment create(OrtRuntime runtime, ModelSource source, NativeSessionOptions options) {
        try (Arena call = Arena.ofConfined()) {
            MemorySegment out = call.allocate(ADDRESS);
            switch (source) {
                case ModelSource.File(var path) -> runtime.api.createSession(
                        runtime.env, call.allocateFrom(path.toString()), options.handle(), out);
                case ModelSource.Bytes(var data) -> {
                    MemorySegment bytes = call.allocate(Math.max(1, data.length));
                    MemorySegment.copy(data, 0, bytes, JAVA_BYTE, 0, data.length);
                    runtime.api.createSessionFromArray(runtime.env, bytes, data.length, options.handle(), out);
                }
            }
            return out.get(ADDRESS, 0);
        }
    }

    /** Whether runs that are alone get a wider session of this model ({@link SessionOptions#widensAlone()}). */
    public boolean widensAlone() {
        return aloneHandle.address() != 0;
    }

    /** The model's inputs, in the model's order. */
    public List<TensorInfo> inputs() {
        return inputs;
    }

    /** The model's outputs, in the model's order. */
    public List<TensorInfo> outputs() {
        return outputs;
    }

    /** ORT's name of the execution provider this session runs on, for example {@code CPUExecutionProvider}. */
    public String provider() {
        return provider;
    }

    /**
     * Runs the model and returns every output in ORT-owned memory, which the caller frees by closing the result
     * on this same thread.
     *
     * @param inputs  every model input by name; the tensors' memory is read in place
     * @param control cancels the run from another thread; may be {@code null}
     * @throws OrtException for anything ORT rejects (unknown input name, wrong shape or rank, cancellation)
     */
    public RunResult run(Map<String, FloatTensor> inputs, RunControl control) {
        return withOpenSession(() -> {
            try (Scratch call = new Scratch()) {
                MemorySegment outValues = call.allocate(ADDRESS, outputs.size());
                try {
                    invoke(call, inputs, outputOrder, outValues, control);
                } catch (RuntimeException e) {
                    for (int i = 0; i < outputs.size(); i++) { // ORT may leave some outputs allocated
                        MemorySegment value = outValues.getAtIndex(ADDRESS, i);
                        if (value.address() != 0) {
                            api.releaseValue(value);
                        }
                    }
                    throw e;
                }
                List<MemorySegment> values = new ArrayList<>(outputs.size());
                for (int i = 0; i < outputs.size(); i++) {
                    values.add(outValues.getAtIndex(ADDRESS, i));
                }
                return new RunResult(api, call, outputOrder, values);
            }
        });
    }

    /** Runs the model without a control; see {@link #run(Map, RunControl)}. */
    public RunResult run(Map<String, FloatTensor> inputs) {
        return run(inputs, null);
    }

    /**
     * Runs the model writing the named outputs straight into caller-owned tensors, which must have the exact
     * shapes the model produces. No output memory is allocated or copied.
     */
    public void runInto(Map<String, FloatTensor> inputs, Map<String, FloatTensor> outputs, RunControl control) {
        withOpenSession(() -> {
            try (Scratch call = new Scratch()) {
                MemorySegment outValues = call.allocate(ADDRESS, outputs.size());
                int i = 0;
                for (FloatTensor tensor : outputs.values()) {
                    outValues.setAtIndex(ADDRESS, i++, Values.wrap(runtime, call, call.arena(), tensor));
                }
                invoke(call, inputs, List.copyOf(outputs.keySet()), outValues, control);
                return null;
            }
        });
    }

    /**
     * Ends the profiling this session was opened with ({@link SessionOptions#withProfiling}) and writes ORT's trace
     * of every run so far: a Chrome-trace JSON file, one event per operator run.
     *
     * @return the trace file ORT wrote
     * @throws OrtException if ORT cannot write it; a session opened without profiling returns an empty path
     */
    public java.nio.file.Path endProfiling() {
        return withOpenSession(() -> {
            try (Arena call = Arena.ofConfined()) {
                MemorySegment out = call.allocate(ADDRESS);
                api.endProfiling(handle, runtime.allocator, out);
                MemorySegment name = out.get(ADDRESS, 0);
                try {
                    return java.nio.file.Path.of(Api.cString(name));
                } finally {
                    api.allocatorFree(runtime.allocator, name);
                }
            }
        });
    }

    /** A new I/O binding on this session; the caller closes it before closing the session. */
    public IoBinding bind() {
        return withOpenSession(() -> new IoBinding(runtime, this));
    }

    /** Runs {@code binding}; called by {@link IoBinding#run}. */
    void runBinding(MemorySegment binding, RunControl control) {
        withOpenSession(() -> {
            api.runWithBinding(handle, control == null ? MemorySegment.NULL : control.handle(), binding);
            return null;
        });
    }

    MemorySegment handle() {
        return handle;
    }

    /** The cached C string of a model input or output name, or a fresh one (ORT then reports it as unknown). */
    MemorySegment cName(SegmentAllocator call, String name, boolean input) {
        MemorySegment known = (input ? inputNames : outputNames).get(name);
        return known != null ? known : call.allocateFrom(name);
    }

    private void invoke(Scratch call, Map<String, FloatTensor> inputs, List<String> outNames, MemorySegment outValues,
            RunControl control) {
        MemorySegment inNames = call.allocate(ADDRESS, Math.max(1, inputs.size()));
        MemorySegment inValues = call.allocate(ADDRESS, Math.max(1, inputs.size()));
        int i = 0;
        for (Map.Entry<String, FloatTensor> input : inputs.entrySet()) {
            inNames.setAtIndex(ADDRESS, i, cName(call, input.getKey(), true));
            inValues.setAtIndex(ADDRESS, i, Values.wrap(runtime, call, call.arena(), input.getValue()));
            i++;
        }
        MemorySegment outNameArray = call.allocate(ADDRESS, Math.max(1, outNames.size()));
        for (int o = 0; o < outNames.size(); o++) {
            outNameArray.setAtIndex(ADDRESS, o, cName(call, outNames.get(o), false));
        }
        MemorySegment options = control == null ? MemorySegment.NULL : control.handle();
        MemorySegment session = control != null && control.isAlone() && widensAlone() ? aloneHandle : handle;
        api.run(session, options, inNames, inValues, inputs.size(), outNameArray, outNames.size(), outValues);
    }

    private List<TensorInfo> describe(boolean input) {
        try (Arena call = Arena.ofConfined()) {
            MemorySegment out = call.allocate(ADDRESS);
            MemorySegment count = call.allocate(JAVA_LONG);
            if (input) {
                api.inputCount(handle, count);
            } else {
                api.outputCount(handle, count);
            }
            List<TensorInfo> infos = new ArrayList<>();
            for (long i = 0; i < count.get(JAVA_LONG, 0); i++) {
                api.ioName(input, handle, i, runtime.allocator, out);
                MemorySegment namePointer = out.get(ADDRESS, 0);
                String name = Api.cString(namePointer);
                api.allocatorFree(runtime.allocator, namePointer);
                api.ioTypeInfo(input, handle, i, out);
                MemorySegment typeInfo = out.get(ADDRESS, 0);
                try {
                    api.castToTensorInfo(typeInfo, out); // owned by typeInfo: not released on its own
                    infos.add(Values.describe(api, call, name, out.get(ADDRESS, 0)));
                } finally {
                    api.releaseTypeInfo(typeInfo);
                }
            }
            return List.copyOf(infos);
        }
    }

    private <T> T withOpenSession(java.util.function.Supplier<T> action) {
        lifecycle.readLock().lock();
        try {
            if (closed) {
                throw new IllegalStateException("session is closed");
            }
            return action.get();
        } finally {
            lifecycle.readLock().unlock();
        }
    }

    @Override
    public void close() {
        lifecycle.writeLock().lock();
        try {
            if (!closed) {
                closed = true;
                arena.close();
            }
        } finally {
            lifecycle.writeLock().unlock();
        }
    }
}
