package dev.iris.ort;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.SymbolLookup;
import java.lang.invoke.MethodHandle;
import java.nio.file.Path;

/**
 * The {@code OrtApi} function table: slot indices, downcall handles and one Java method per C function iris
 * calls. Thread-safe and immutable; one per loaded library, which stays loaded for the life of the process.
 *
 * <p>The handles are address-less ({@code Linker.downcallHandle(descriptor)}) and {@code static final}, so the
 * JIT treats them as constants; each call passes the function pointer read from the table at load time. One
 * handle serves every function of the same C shape. Slot indices and descriptors come from
 * {@code onnxruntime_c_api.h} and were checked against ORT 1.23.2 and 1.29.0; a wrong index crashes the JVM,
 * so every function listed here is exercised by the tests.
 */
final class Api {
    /** The API version iris asks for: ORT 1.23 and every later release serve it. */
    static final int VERSION = 23;
    /** Number of slots in the version-23 table. */
    private static final int SLOTS = 390;

    // Slot indices in OrtApi (zero-based).
    private static final int GET_ERROR_CODE = 1, GET_ERROR_MESSAGE = 2, CREATE_ENV = 3, CREATE_SESSION = 7,
            CREATE_SESSION_FROM_ARRAY = 8, RUN = 9, CREATE_SESSION_OPTIONS = 10, ENABLE_PROFILING = 14, ENABLE_CPU_MEM_ARENA = 18,
            DISABLE_CPU_MEM_ARENA = 19, SET_SESSION_LOG_SEVERITY = 22, SET_GRAPH_OPTIMIZATION_LEVEL = 23,
            SET_INTRA_OP_THREADS = 24, SET_INTER_OP_THREADS = 25, SESSION_INPUT_COUNT = 30, SESSION_OUTPUT_COUNT = 31,
            SESSION_INPUT_TYPE_INFO = 33, SESSION_OUTPUT_TYPE_INFO = 34, SESSION_INPUT_NAME = 36,
            SESSION_OUTPUT_NAME = 37, CREATE_RUN_OPTIONS = 39, RUN_OPTIONS_SET_TERMINATE = 46,
            RUN_OPTIONS_UNSET_TERMINATE = 47, CREATE_TENSOR_WITH_DATA = 49, GET_TENSOR_MUTABLE_DATA = 51,
            CAST_TYPE_INFO_TO_TENSOR_INFO = 55, GET_TENSOR_ELEMENT_TYPE = 60, GET_DIMENSIONS_COUNT = 61,
            GET_DIMENSIONS = 62, GET_TENSOR_TYPE_AND_SHAPE = 65, CREATE_CPU_MEMORY_INFO = 69, ALLOCATOR_FREE = 76,
            GET_DEFAULT_ALLOCATOR = 78, RELEASE_STATUS = 93, RELEASE_SESSION = 95, RELEASE_VALUE = 96,
            RELEASE_RUN_OPTIONS = 97, RELEASE_TYPE_INFO = 98, RELEASE_TENSOR_TYPE_AND_SHAPE = 99,
            RELEASE_SESSION_OPTIONS = 100, SESSION_END_PROFILING = 110, GET_AVAILABLE_PROVIDERS = 125, RELEASE_AVAILABLE_PROVIDERS = 126,
            ADD_SESSION_CONFIG_ENTRY = 130, ADD_RUN_CONFIG_ENTRY = 165, RUN_WITH_BINDING = 133, CREATE_IO_BINDING = 134, RELEASE_IO_BINDING = 135,
            BIND_INPUT = 136, BIND_OUTPUT = 137, BIND_OUTPUT_TO_DEVICE = 138, GET_BOUND_OUTPUT_VALUES = 140,
            SYNCHRONIZE_BOUND_OUTPUTS = 203, APPEND_CUDA_V2 = 204, CREATE_CUDA_OPTIONS = 205,
            UPDATE_CUDA_OPTIONS = 206, RELEASE_CUDA_OPTIONS = 208, GET_BUILD_INFO = 254;

    private static final Linker LINKER = Linker.nativeLinker();
    // One handle per C shape. S = OrtStatus* (NULL on success), P = pointer, I = int/enum, L = size_t/int64.
    private static final MethodHandle P_ = handle(FunctionDescriptor.of(ADDRESS));
    private static final MethodHandle P_I = handle(FunctionDescriptor.of(ADDRESS, JAVA_INT));
    private static final MethodHandle I_P = handle(FunctionDescriptor.of(JAVA_INT, ADDRESS));
    private static final MethodHandle VOID_P = handle(FunctionDescriptor.ofVoid(ADDRESS));
    private static final MethodHandle S_P = handle(FunctionDescriptor.of(ADDRESS, ADDRESS));
    private static final MethodHandle S_PP = handle(FunctionDescriptor.of(ADDRESS, ADDRESS, ADDRESS));
    private static final MethodHandle S_PI = handle(FunctionDescriptor.of(ADDRESS, ADDRESS, JAVA_INT));
    private static final MethodHandle S_PPP = handle(FunctionDescriptor.of(ADDRESS, ADDRESS, ADDRESS, ADDRESS));
    private static final MethodHandle S_PPPP =
            handle(FunctionDescriptor.of(ADDRESS, ADDRESS, ADDRESS, ADDRESS, ADDRESS));
    private static final MethodHandle S_IPP = handle(FunctionDescriptor.of(ADDRESS, JAVA_INT, ADDRESS, ADDRESS));
    private static final MethodHandle S_PLP = handle(FunctionDescriptor.of(ADDRESS, ADDRESS, JAVA_LONG, ADDRESS));
    private static final MethodHandle S_PLPP =
            handle(FunctionDescriptor.of(ADDRESS, ADDRESS, JAVA_LONG, ADDRESS, ADDRESS));
    private static final MethodHandle S_PPL = handle(FunctionDescriptor.of(ADDRESS, ADDRESS, ADDRESS, JAVA_LONG));
    private static final MethodHandle S_PPLPP =
            handle(FunctionDescriptor.of(ADDRESS, ADDRESS, ADDRESS, JAVA_LONG, ADDRESS, ADDRESS));
    private static final MethodHandle S_PPPL =
            handle(FunctionDescriptor.of(ADDRESS, ADDRESS, ADDRESS, ADDRESS, JAVA_LONG));
    private static final MethodHandle S_IIP = handle(FunctionDescriptor.of(ADDRESS, JAVA_INT, JAVA_INT, ADDRESS));
    private static final MethodHandle S_RUN = handle(FunctionDescriptor.of(ADDRESS,
            ADDRESS, ADDRESS, ADDRESS, ADDRESS, JAVA_LONG, ADDRESS, JAVA_LONG, ADDRESS));
    private static final MethodHandle S_CREATE_TENSOR = handle(FunctionDescriptor.of(ADDRESS,
            ADDRESS, ADDRESS, JAVA_LONG, ADDRESS, JAVA_LONG, JAVA_INT, ADDRESS));

    /** The {@code OrtApiBase} struct: {@code GetApi(uint32)} then {@code GetVersionString()}. */
    private static final MemoryLayout API_BASE = MemoryLayout.structLayout(ADDRESS, ADDRESS);

    private final MemorySegment[] fn = new MemorySegment[SLOTS];
    private final String version;

    private Api(MemorySegment table, String version) {
        for (int slot = 0; slot < SLOTS; slot++) {
            fn[slot] = table.getAtIndex(ADDRESS, slot);
        }
        this.version = version;
    }

    /** Loads {@code library} for the life of the process and fetches the version-{@value #VERSION} table. */
    static Api load(Path library) {
        SymbolLookup lookup = SymbolLookup.libraryLookup(library, Arena.global());
        MemorySegment getApiBase = lookup.find("OrtGetApiBase").orElseThrow(() -> new OrtException(
                OrtErrorCode.FAIL, library + " does not export OrtGetApiBase: not an ONNX Runtime library"));
        try {
            MemorySegment base = ((MemorySegment) P_.invokeExact(getApiBase)).reinterpret(API_BASE.byteSize());
            MemorySegment getVersion = base.getAtIndex(ADDRESS, 1);
            String version = cString((MemorySegment) P_.invokeExact(getVersion));
            MemorySegment table = (MemorySegment) P_I.invokeExact(base.getAtIndex(ADDRESS, 0), VERSION);
            if (table.address() == 0) {
                throw new OrtException(OrtErrorCode.NOT_IMPLEMENTED, "ONNX Runtime " + version + " at " + library
                        + " does not serve C API version " + VERSION + "; iris needs ONNX Runtime 1.23 or newer");
            }
            return new Api(table.reinterpret(ADDRESS.byteSize() * SLOTS), version);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    String version() {
        return version;
    }

    /** Turns a non-null {@code OrtStatus*} into an {@link OrtException}, releasing the status either way. */
    void check(MemorySegment status) {
        if (status.address() == 0) {
            return;
        }
        try {
            int code = (int) I_P.invokeExact(fn[GET_ERROR_CODE], status);
            String message = cString((MemorySegment) S_P.invokeExact(fn[GET_ERROR_MESSAGE], status));
            throw new OrtException(OrtErrorCode.of(code), message);
        } catch (Throwable t) {
            throw rethrow(t);
        } finally {
            release(RELEASE_STATUS, status);
        }
    }

    static String cString(MemorySegment pointer) {
        return pointer.address() == 0 ? "" : pointer.reinterpret(Long.MAX_VALUE).getString(0);
    }

    // ---- environment, allocator, memory info, build info

    void createEnv(int logLevel, MemorySegment logId, MemorySegment out) {
        try {
            check((MemorySegment) S_IPP.invokeExact(fn[CREATE_ENV], logLevel, logId, out));
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    void defaultAllocator(MemorySegment out) { callP(GET_DEFAULT_ALLOCATOR, out); }

    void allocatorFree(MemorySegment allocator, MemorySegment p) { callPP(ALLOCATOR_FREE, allocator, p); }

    void createCpuMemoryInfo(int allocatorType, int memType, MemorySegment out) {
        try {
            check((MemorySegment) S_IIP.invokeExact(fn[CREATE_CPU_MEMORY_INFO], allocatorType, memType, out));
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    String buildInfo() {
        try {
            return cString((MemorySegment) P_.invokeExact(fn[GET_BUILD_INFO]));
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    void availableProviders(MemorySegment outArray, MemorySegment outCount) {
        callPP(GET_AVAILABLE_PROVIDERS, outArray, outCount);
    }

    void releaseAvailableProviders(MemorySegment array, int count) { callPI(RELEASE_AVAILABLE_PROVIDERS, array, count); }

    // ---- session options

    void createSessionOptions(MemorySegment out) { callP(CREATE_SESSION_OPTIONS, out); }

    void setIntraOpThreads(MemorySegment options, int n) { callPI(SET_INTRA_OP_THREADS, options, n); }

    void setInterOpThreads(MemorySegment options, int n) { callPI(SET_INTER_OP_THREADS, options, n); }

    void setGraphOptimizationLevel(MemorySegment options, int level) {
        callPI(SET_GRAPH_OPTIMIZATION_LEVEL, options, level);
    }

    void setSessionLogSeverity(MemorySegment options, int level) { callPI(SET_SESSION_LOG_SEVERITY, options, level); }

    /** Profiling on for sessions made with {@code options}: a JSON trace named {@code prefix_<date>.json}. */
    void enableProfiling(MemorySegment options, MemorySegment prefix) { callPP(ENABLE_PROFILING, options, prefix); }

    /** Ends profiling of {@code session}, writes its trace and sets {@code out} to its file name (allocator-owned). */
    void endProfiling(MemorySegment session, MemorySegment allocator, MemorySegment out) {
        callPPP(SESSION_END_PROFILING, session, allocator, out);
    }

    void setCpuMemArena(MemorySegment options, boolean on) {
        callP(on ? ENABLE_CPU_MEM_ARENA : DISABLE_CPU_MEM_ARENA, options);
    }

    void addSessionConfigEntry(MemorySegment options, MemorySegment key, MemorySegment value) {
        callPPP(ADD_SESSION_CONFIG_ENTRY, options, key, value);
    }

    void createCudaOptions(MemorySegment out) { callP(CREATE_CUDA_OPTIONS, out); }

    void updateCudaOptions(MemorySegment cuda, MemorySegment keys, MemorySegment values, long n) {
        try {
            check((MemorySegment) S_PPPL.invokeExact(fn[UPDATE_CUDA_OPTIONS], cuda, keys, values, n));
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    void appendCuda(MemorySegment options, MemorySegment cuda) { callPP(APPEND_CUDA_V2, options, cuda); }

    // ---- sessions

    void createSession(MemorySegment env, MemorySegment path, MemorySegment options, MemorySegment out) {
        callPPPP(CREATE_SESSION, env, path, options, out);
    }

    void createSessionFromArray(MemorySegment env, MemorySegment data, long length, MemorySegment options,
            MemorySegment out) {
        try {
            check((MemorySegment) S_PPLPP.invokeExact(fn[CREATE_SESSION_FROM_ARRAY], env, data, length, options, out));
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    void inputCount(MemorySegment session, MemorySegment out) { callPP(SESSION_INPUT_COUNT, session, out); }

    void outputCount(MemorySegment session, MemorySegment out) { callPP(SESSION_OUTPUT_COUNT, session, out); }

    void ioName(boolean input, MemorySegment session, long index, MemorySegment allocator, MemorySegment out) {
        try {
            check((MemorySegment) S_PLPP.invokeExact(
                    fn[input ? SESSION_INPUT_NAME : SESSION_OUTPUT_NAME], session, index, allocator, out));
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    void ioTypeInfo(boolean input, MemorySegment session, long index, MemorySegment out) {
        try {
            check((MemorySegment) S_PLP.invokeExact(
                    fn[input ? SESSION_INPUT_TYPE_INFO : SESSION_OUTPUT_TYPE_INFO], session, index, out));
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    void castToTensorInfo(MemorySegment typeInfo, MemorySegment out) {
        callPP(CAST_TYPE_INFO_TO_TENSOR_INFO, typeInfo, out);
    }

    void elementType(MemorySegment tensorInfo, MemorySegment out) { callPP(GET_TENSOR_ELEMENT_TYPE, tensorInfo, out); }

    void dimensionsCount(MemorySegment tensorInfo, MemorySegment out) {
        callPP(GET_DIMENSIONS_COUNT, tensorInfo, out);
    }

    void dimensions(MemorySegment tensorInfo, MemorySegment dims, long n) {
        try {
            check((MemorySegment) S_PPL.invokeExact(fn[GET_DIMENSIONS], tensorInfo, dims, n));
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    // ---- values and runs

    void createTensorWithData(MemorySegment memoryInfo, MemorySegment data, long bytes, MemorySegment shape,
            long rank, int elementType, MemorySegment out) {
        try {
            check((MemorySegment) S_CREATE_TENSOR.invokeExact(
                    fn[CREATE_TENSOR_WITH_DATA], memoryInfo, data, bytes, shape, rank, elementType, out));
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    void tensorTypeAndShape(MemorySegment value, MemorySegment out) { callPP(GET_TENSOR_TYPE_AND_SHAPE, value, out); }

    void tensorData(MemorySegment value, MemorySegment out) { callPP(GET_TENSOR_MUTABLE_DATA, value, out); }

    void run(MemorySegment session, MemorySegment runOptions, MemorySegment inNames, MemorySegment inputs,
            long nIn, MemorySegment outNames, long nOut, MemorySegment outputs) {
        try {
            check((MemorySegment) S_RUN.invokeExact(
                    fn[RUN], session, runOptions, inNames, inputs, nIn, outNames, nOut, outputs));
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    void createRunOptions(MemorySegment out) { callP(CREATE_RUN_OPTIONS, out); }

    void addRunConfigEntry(MemorySegment runOptions, MemorySegment key, MemorySegment value) {
        callPPP(ADD_RUN_CONFIG_ENTRY, runOptions, key, value);
    }

    void setTerminate(MemorySegment runOptions, boolean on) {
        callP(on ? RUN_OPTIONS_SET_TERMINATE : RUN_OPTIONS_UNSET_TERMINATE, runOptions);
    }

    // ---- IoBinding

    void createIoBinding(MemorySegment session, MemorySegment out) { callPP(CREATE_IO_BINDING, session, out); }

    void bindInput(MemorySegment binding, MemorySegment name, MemorySegment value) {
        callPPP(BIND_INPUT, binding, name, value);
    }

    void bindOutput(MemorySegment binding, MemorySegment name, MemorySegment value) {
        callPPP(BIND_OUTPUT, binding, name, value);
    }

    void bindOutputToDevice(MemorySegment binding, MemorySegment name, MemorySegment memoryInfo) {
        callPPP(BIND_OUTPUT_TO_DEVICE, binding, name, memoryInfo);
    }

    void runWithBinding(MemorySegment session, MemorySegment runOptions, MemorySegment binding) {
        callPPP(RUN_WITH_BINDING, session, runOptions, binding);
    }

    void synchronizeBoundOutputs(MemorySegment binding) { callP(SYNCHRONIZE_BOUND_OUTPUTS, binding); }

    void boundOutputValues(MemorySegment binding, MemorySegment allocator, MemorySegment outArray,
            MemorySegment outCount) {
        callPPPP(GET_BOUND_OUTPUT_VALUES, binding, allocator, outArray, outCount);
    }

    // ---- release functions, for the owners' arena cleanups

    void releaseSession(MemorySegment p) { release(RELEASE_SESSION, p); }
    void releaseValue(MemorySegment p) { release(RELEASE_VALUE, p); }
    void releaseRunOptions(MemorySegment p) { release(RELEASE_RUN_OPTIONS, p); }
    void releaseTypeInfo(MemorySegment p) { release(RELEASE_TYPE_INFO, p); }
    void releaseTensorTypeAndShape(MemorySegment p) { release(RELEASE_TENSOR_TYPE_AND_SHAPE, p); }
    void releaseSessionOptions(MemorySegment p) { release(RELEASE_SESSION_OPTIONS, p); }
    void releaseIoBinding(MemorySegment p) { release(RELEASE_IO_BINDING, p); }
    void releaseCudaOptions(MemorySegment p) { release(RELEASE_CUDA_OPTIONS, p); }

    // ---- shape helpers: each calls one slot and checks the status

    private void callP(int slot, MemorySegment a) {
        try {
            check((MemorySegment) S_P.invokeExact(fn[slot], a));
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    private void callPP(int slot, MemorySegment a, MemorySegment b) {
        try {
            check((MemorySegment) S_PP.invokeExact(fn[slot], a, b));
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    private void callPI(int slot, MemorySegment a, int b) {
        try {
            check((MemorySegment) S_PI.invokeExact(fn[slot], a, b));
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    private void callPPP(int slot, MemorySegment a, MemorySegment b, MemorySegment c) {
        try {
            check((MemorySegment) S_PPP.invokeExact(fn[slot], a, b, c));
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    private void callPPPP(int slot, MemorySegment a, MemorySegment b, MemorySegment c, MemorySegment d) {
        try {
            check((MemorySegment) S_PPPP.invokeExact(fn[slot], a, b, c, d));
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    private void release(int slot, MemorySegment p) {
        try {
            VOID_P.invokeExact(fn[slot], p);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    private static MethodHandle handle(FunctionDescriptor descriptor) {
        return LINKER.downcallHandle(descriptor);
    }

    /** Downcalls declare {@code Throwable}; only unchecked ones can actually arrive. */
    private static RuntimeException rethrow(Throwable t) {
        if (t instanceof RuntimeException e) {
            throw e;
        }
        if (t instanceof Error e) {
            throw e;
        }
        throw new IllegalStateException(t);
    }
}
