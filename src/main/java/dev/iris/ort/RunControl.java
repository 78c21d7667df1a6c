package dev.iris.ort;

import static java.lang.foreign.ValueLayout.ADDRESS;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.Map;

/**
 * ORT run options with a terminate flag, so that another thread can cancel a run in flight (one that ran past its
 * time limit). Thread-safe; use it for one piece of work, then close it after its runs returned.
 *
 * <p>A cancelled run throws {@link OrtException}; {@link #isCancelled()} tells that failure apart from others.
 * The flag stays set, so a control that was cancelled cancels every later run that uses it.
 */
public final class RunControl implements AutoCloseable {
    private final Api api;
    private final Arena arena = Arena.ofShared();
    private final MemorySegment handle;
    private boolean cancelled;
    private boolean closed;
    /** Read at the start of each run, so work that stops being alone narrows at its next run (its next tile). */
    private volatile boolean alone;

    RunControl(Api api, Map<String, String> runConfig) {
        this.api = api;
        try (Arena call = Arena.ofConfined()) {
            MemorySegment out = call.allocate(ADDRESS);
            api.createRunOptions(out);
            handle = out.get(ADDRESS, 0).reinterpret(arena, api::releaseRunOptions);
            runConfig.forEach((key, value) -> api.addRunConfigEntry(handle, call.allocateFrom(key),
                    call.allocateFrom(value)));
        } catch (RuntimeException e) {
            arena.close();
            throw e;
        }
    }

    /** Asks every run using this control to stop as soon as it can. Does nothing once closed. */
    public synchronized void cancel() {
        cancelled = true;
        if (!closed) {
            api.setTerminate(handle, true);
        }
    }

    /** Whether {@link #cancel()} was called. */
    public synchronized boolean isCancelled() {
        return cancelled;
    }

    /**
     * Says whether this control's work is now the only model work in progress; while it is, its runs use the wider
     * session of a model opened with {@link SessionOptions#widensAlone()}. Whoever schedules the work sets it.
     */
    public void runAlone(boolean on) {
        alone = on;
    }

    /** Whether {@link #runAlone} last said the work is alone. */
    public boolean isAlone() {
        return alone;
    }

    /** The native handle for a run; its arena keeps it alive during the downcall. */
    synchronized MemorySegment handle() {
        if (closed) {
            throw new IllegalStateException("run control is closed");
        }
        return handle;
    }

    @Override
    public synchronized void close() {
        if (!closed) {
            arena.close(); // throws, leaving the control open, while a run still uses it
            closed = true;
        }
    }
}
