package dev.iris.model;

import dev.iris.ort.OrtRuntime;
import dev.iris.ort.Session;
import dev.iris.ort.SessionOptions;
import java.util.List;

/**
 * A pack's gradient graph ({@code lr_grad.onnx} or {@code hr_grad.onnx}), present and matching its card from
 * startup, opened the first time an ingest optimises with it. Opening these graphs is about three quarters of a
 * pack's session start-up time (ORT's graph optimisation of the backward pass), and a node that only serves never
 * runs them. Opening checks
 * the file's SHA-256 again (it may have changed since startup) and the graph's inputs and outputs. Thread-safe.
 */
final class GradientGraph implements AutoCloseable {
    private final ModelPack.GraphFile file;
    private final OrtRuntime ort;
    private final SessionOptions options;
    private final List<String> inputs;
    private Session session; // guarded by this; null until first use and after close
    private boolean closed; // guarded by this

    GradientGraph(ModelPack.GraphFile file, OrtRuntime ort, SessionOptions options, List<String> inputs) {
        this.file = file;
        this.ort = ort;
        this.options = options;
        this.inputs = inputs;
    }

    /**
     * The open session, opening it on first use.
     *
     * @throws ModelException naming the file, if it changed since startup or does not have the gradient contract
     */
    synchronized Session session() {
        if (closed) {
            throw new IllegalStateException(file.path() + ": pack closed");
        }
        if (session == null) {
            session = ModelPack.openChecked(ort, file, options, inputs, ModelPack.GRAD_OUTPUTS);
        }
        return session;
    }

    @Override
    public synchronized void close() {
        closed = true;
        if (session != null) {
            session.close();
            session = null;
        }
    }
}
