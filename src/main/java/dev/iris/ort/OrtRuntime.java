package dev.iris.ort;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_INT;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The loaded ONNX Runtime library and its one process-wide {@code OrtEnv}. Thread-safe; one per process.
 *
 * <p>A process can hold only one ORT library, so {@link #load} returns the same instance for every call with
 * the same library and refuses a different one. The library, the environment and the CPU memory description
 * live until the process exits: unloading ORT while its thread pools run would crash it.
 */
public final class OrtRuntime {
    private static OrtRuntime instance;

    private final Path library;
    final Api api;
    final MemorySegment env;
    /** ORT's default CPU allocator: a singleton that is never released. */
    final MemorySegment allocator;
    /** Describes plain CPU memory, for tensors that wrap caller-owned segments. */
    final MemorySegment cpuMemory;

    private OrtRuntime(Path library) {
        this.library = library;
        this.api = Api.load(library);
        try (Arena call = Arena.ofConfined()) {
            MemorySegment out = call.allocate(ADDRESS);
            api.createEnv(LogLevel.WARNING, call.allocateFrom("iris"), out);
            env = out.get(ADDRESS, 0);
            api.defaultAllocator(out);
            allocator = out.get(ADDRESS, 0);
            api.createCpuMemoryInfo(0 /* OrtDeviceAllocator */, 0 /* OrtMemTypeDefault */, out);
            cpuMemory = out.get(ADDRESS, 0);
        }
    }

    /** Loads ORT as {@link RuntimeOptions#fromEnvironment()} says, or returns the runtime already loaded. */
    public static OrtRuntime get() {
        return load(RuntimeOptions.fromEnvironment());
    }

    /**
     * Loads ORT from {@code options}, or returns the runtime already loaded from the same library.
     *
     * @throws OrtException          if the library cannot be found or loaded, or is older than ORT 1.23
     * @throws IllegalStateException if another library is already loaded in this process
     */
    public static synchronized OrtRuntime load(RuntimeOptions options) {
        if (instance != null) {
            if (options.library().isPresent() && !options.library().get().equals(instance.library)) {
                throw new IllegalStateException("ONNX Runtime is already loaded from " + instance.library
                        + "; one process can load only one, so " + options.library().get() + " cannot be used");
            }
            return instance;
        }
        instance = new OrtRuntime(NativeLibrary.locate(options));
        return instance;
    }

    /** The file the library was loaded from. */
    public Path library() {
        return library;
    }

    /** ORT's version string, for example {@code 1.23.2}. */
    public String version() {
        return api.version();
    }

    /** The C API version iris uses. */
    public int apiVersion() {
        return Api.VERSION;
    }

    /** How the library was built (compiler, flags, git commit), as ORT describes itself. */
    public String buildInfo() {
        return api.buildInfo();
    }

    /**
     * The execution providers compiled into this library. A listed provider may still fail to load when its own
     * libraries (CUDA, cuDNN) are missing; {@link Session#provider()} says what a session really uses.
     */
    public List<String> availableProviders() {
        try (Arena call = Arena.ofConfined()) {
            MemorySegment array = call.allocate(ADDRESS);
            MemorySegment count = call.allocate(JAVA_INT);
            api.availableProviders(array, count);
            int n = count.get(JAVA_INT, 0);
            MemorySegment names = array.get(ADDRESS, 0).reinterpret(ADDRESS.byteSize() * n);
            try {
                List<String> providers = new ArrayList<>(n);
                for (int i = 0; i < n; i++) {
                    providers.add(Api.cString(names.getAtIndex(ADDRESS, i)));
                }
                return List.copyOf(providers);
            } finally {
                api.releaseAvailableProviders(names, n);
            }
        }
    }

    /** Opens the model file at {@code model}. The caller closes the session. */
    public Session open(Path model, SessionOptions options) {
        return Session.open(this, new ModelSource.File(model), options);
    }

    /** Opens a model from its serialised bytes, which ORT copies. The caller closes the session. */
    public Session open(byte[] model, SessionOptions options) {
        return Session.open(this, new ModelSource.Bytes(model), options);
    }

    /** A new handle for cancelling runs; the caller closes it after the runs that use it have returned. */
    public RunControl newRunControl() {
        return new RunControl(api, Map.of());
    }

    /**
     * As {@link #newRunControl()}, with ORT run configuration entries (keys of
     * {@code onnxruntime_run_options_config_keys.h}, e.g. {@code memory.enable_memory_arena_shrinkage}).
     *
     * @throws OrtException for an entry ORT rejects
     */
    public RunControl newRunControl(Map<String, String> runConfig) {
        return new RunControl(api, runConfig);
    }

    /** ORT's {@code OrtLoggingLevel}: VERBOSE 0, INFO 1, WARNING 2, ERROR 3, FATAL 4. */
    static final class LogLevel {
        static final int WARNING = 2;
        static final int ERROR = 3;

        private LogLevel() {}
    }
}
