package dev.iris.ort;

import static java.lang.foreign.ValueLayout.ADDRESS;

import java.lang.System.Logger.Level;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * An {@code OrtSessionOptions} built from a {@link SessionOptions} record, with the execution provider attached.
 * Not thread-safe; lives only while one session is created.
 */
final class NativeSessionOptions implements AutoCloseable {
    private static final System.Logger LOG = System.getLogger(NativeSessionOptions.class.getName());
    /** The CUDA fallback is logged once per process, not once per session. */
    private static final AtomicBoolean CUDA_FALLBACK_LOGGED = new AtomicBoolean();

    private final Arena arena = Arena.ofConfined();
    private final MemorySegment handle;
    private final String provider;

    private NativeSessionOptions(Api api, SessionOptions options) {
        MemorySegment out = arena.allocate(ADDRESS);
        api.createSessionOptions(out);
        handle = out.get(ADDRESS, 0).reinterpret(arena, api::releaseSessionOptions);
        api.setSessionLogSeverity(handle, OrtRuntime.LogLevel.ERROR);
        api.setIntraOpThreads(handle, options.intraOpThreads());
        api.setInterOpThreads(handle, options.interOpThreads());
        api.setGraphOptimizationLevel(handle, options.optimization().code);
        api.setCpuMemArena(handle, options.cpuArena());
        api.addSessionConfigEntry(handle, arena.allocateFrom("session.intra_op.allow_spinning"),
                arena.allocateFrom(options.allowSpinning() ? "1" : "0"));
        api.addSessionConfigEntry(handle, arena.allocateFrom("session.inter_op.allow_spinning"),
                arena.allocateFrom(options.allowSpinning() ? "1" : "0"));
        options.profilePrefix().ifPresent(prefix -> api.enableProfiling(handle,
                arena.allocateFrom(prefix.toString())));
        provider = switch (options.provider()) {
            case ExecutionProvider.Cpu cpu -> cpu.ortName();
            case ExecutionProvider.Cuda cuda -> appendCuda(api, cuda);
        };
    }

    static NativeSessionOptions create(Api api, SessionOptions options) {
        return new NativeSessionOptions(api, options);
    }

    MemorySegment handle() {
        return handle;
    }

    /** The provider the session will run on, after any fallback. */
    String provider() {
        return provider;
    }

    /** Attaches CUDA, or returns the CPU provider's name when this build or this machine cannot run CUDA. */
    private String appendCuda(Api api, ExecutionProvider.Cuda cuda) {
        MemorySegment out = arena.allocate(ADDRESS);
        try {
            api.createCudaOptions(out); // fails on CPU-only builds
        } catch (OrtException e) {
            return fallBack(e);
        }
        MemorySegment cudaOptions = out.get(ADDRESS, 0);
        try {
            Map<String, String> settings = new LinkedHashMap<>(cuda.options());
            settings.put("device_id", Integer.toString(cuda.deviceId()));
            MemorySegment keys = arena.allocate(ADDRESS, settings.size());
            MemorySegment values = arena.allocate(ADDRESS, settings.size());
            int i = 0;
            for (Map.Entry<String, String> setting : settings.entrySet()) {
                keys.setAtIndex(ADDRESS, i, arena.allocateFrom(setting.getKey()));
                values.setAtIndex(ADDRESS, i, arena.allocateFrom(setting.getValue()));
                i++;
            }
            api.updateCudaOptions(cudaOptions, keys, values, settings.size());
            api.appendCuda(handle, cudaOptions); // fails when libcudart & co. cannot be loaded
            return cuda.ortName();
        } catch (OrtException e) {
            return fallBack(e);
        } finally {
            api.releaseCudaOptions(cudaOptions);
        }
    }

    private static String fallBack(OrtException cause) {
        if (CUDA_FALLBACK_LOGGED.compareAndSet(false, true)) {
            LOG.log(Level.WARNING, "CUDA execution provider unavailable, running on the CPU: {0}",
                    cause.getMessage().lines().findFirst().orElse(""));
        }
        return new ExecutionProvider.Cpu().ortName();
    }

    @Override
    public void close() {
        arena.close();
    }
}
