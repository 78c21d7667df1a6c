package dev.iris.model;

import dev.iris.hash.Sha256;
import dev.iris.ort.OrtException;
import dev.iris.ort.OrtRuntime;
import dev.iris.ort.Session;
import dev.iris.ort.SessionOptions;
import dev.iris.ort.TensorInfo;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * One model directory, loaded: its card and its ORT sessions (down, up, and the gradient graphs for encode-time
 * optimisation when the card lists them, opened on first use), checked against the ONNX contract. Thread-safe
 * (sessions serve concurrent runs); the owner closes it.
 */
public final class ModelPack implements AutoCloseable {
    private final Path dir;
    private final ModelCard card;
    private final Session down;
    private final Session up;
    private final Optional<GradientGraph> lrGrad;
    private final Optional<GradientGraph> hrGrad;

    /** Inputs of {@code lr_grad.onnx}, in the order models/train/export_grad.py writes them. */
    static final List<String> LR_GRAD_INPUTS = List.of("lr", "hr", "lr_ref", "mask", "chroma", "fidelity");
    /** Inputs of {@code hr_grad.onnx}, likewise. */
    static final List<String> HR_GRAD_INPUTS = List.of("x", "hr", "mask", "chroma");
    static final List<String> GRAD_OUTPUTS = List.of("loss", "grad");

    private ModelPack(Path dir, ModelCard card, Session down, Session up, Optional<GradientGraph> lrGrad,
            Optional<GradientGraph> hrGrad) {
        this.dir = dir;
        this.card = card;
        this.down = down;
        this.up = up;
        this.lrGrad = lrGrad;
        this.hrGrad = hrGrad;
    }

    /**
     * Loads {@code dir}: reads {@code model.json}, checks each graph's SHA-256 ({@code down.onnx}, {@code up.onnx},
     * and {@code lr_grad.onnx} and {@code hr_grad.onnx} when the card lists them), opens the down and up sessions
     * and checks their input and output names and ranks. The gradient graphs open on first use
     * ({@link GradientGraph}), where their names and ranks are checked.
     *
     * @throws ModelException naming the file (and field) at fault
     */
    public static ModelPack open(OrtRuntime ort, Path dir, SessionOptions options) {
        ModelCard card = ModelCard.read(dir.resolve("model.json"));
        List<Session> opened = new ArrayList<>();
        try {
            // The arbitrary-scale family takes the scale as a second input of both graphs.
            boolean conditioned = card.family() == ModelCard.Family.IARN;
            Session down = opened(opened, openChecked(ort, new GraphFile(dir.resolve("down.onnx"), card.downSha256()),
                    options, conditioned ? List.of("hr", "scale") : List.of("hr"), List.of("lr")));
            Session up = opened(opened, openChecked(ort, new GraphFile(dir.resolve("up.onnx"), card.upSha256()),
                    options, conditioned ? List.of("lr", "scale") : List.of("lr"), List.of("hr")));
            Optional<GradientGraph> lrGrad = card.lrGradSha256().map(sha -> gradient(ort,
                    new GraphFile(dir.resolve("lr_grad.onnx"), sha), options, LR_GRAD_INPUTS));
            Optional<GradientGraph> hrGrad = card.hrGradSha256().map(sha -> gradient(ort,
                    new GraphFile(dir.resolve("hr_grad.onnx"), sha), options, HR_GRAD_INPUTS));
            return new ModelPack(dir, card, down, up, lrGrad, hrGrad);
        } catch (RuntimeException e) {
            opened.forEach(Session::close);
            throw e;
        }
    }

    private static Session opened(List<Session> opened, Session session) {
        opened.add(session);
        return session;
    }

    /** A gradient graph checked against its card now, opened when first used. */
    private static GradientGraph gradient(OrtRuntime ort, GraphFile file, SessionOptions options,
            List<String> inputs) {
        file.verifiedBytes();
        return new GradientGraph(file, ort, options, inputs);
    }

    /** A graph of the pack and the SHA-256 its card gives it. */
    record GraphFile(Path path, String sha256) {
        /** @throws ModelException naming the file if it cannot be read or its SHA-256 is not the card's */
        byte[] verifiedBytes() {
            byte[] bytes;
            try {
                bytes = Files.readAllBytes(path);
            } catch (IOException e) {
                throw new ModelException(path + ": cannot read model file (" + e.getClass().getSimpleName() + ")", e);
            }
            String actual = Sha256.hex(bytes);
            if (!actual.equalsIgnoreCase(sha256)) {
                throw new ModelException(path + ": sha256 is " + actual + " but model.json says " + sha256);
            }
            return bytes;
        }
    }

    /** Opens {@code file} after checking its SHA-256, then checks the session's inputs and outputs. */
    static Session openChecked(OrtRuntime ort, GraphFile file, SessionOptions options, List<String> inputs,
            List<String> outputs) {
        byte[] bytes = file.verifiedBytes();
        Session session;
        try {
            session = ort.open(bytes, options);
        } catch (OrtException e) {
            throw new ModelException(file.path() + ": ONNX Runtime cannot load it: " + e.getMessage(), e);
        }
        try {
            expect(file.path(), "inputs", session.inputs(), inputs);
            expect(file.path(), "outputs", session.outputs(), outputs);
            return session;
        } catch (RuntimeException e) {
            session.close();
            throw e;
        }
    }

    /** The graph's tensors are exactly {@code names}, in that order, each image-shaped one of rank 4. */
    private static void expect(Path file, String role, List<TensorInfo> infos, List<String> names) {
        List<String> actual = infos.stream().map(TensorInfo::name).toList();
        boolean ranks = infos.stream().allMatch(i -> i.rank() == rank(i.name()));
        if (!actual.equals(names) || !ranks) {
            throw new ModelException(file + ": expected " + role + " " + names + " (rank 4, 1 for " + SCALARS
                    + ", 2 for scale), got " + infos);
        }
    }

    /** The tensors of the contracts that are not images but [1]-shaped values. */
    private static final Set<String> SCALARS = Set.of("loss", "chroma", "fidelity");

    /** Images are NCHW; the arbitrary-scale family's {@code scale} is [1, 2]; the loss weights are [1]. */
    private static int rank(String name) {
        return name.equals("scale") ? 2 : SCALARS.contains(name) ? 1 : 4;
    }

    public ModelCard card() {
        return card;
    }

    public String id() {
        return card.id();
    }

    public int scale() {
        return card.scale();
    }

    /** The directory the pack was loaded from. */
    public Path dir() {
        return dir;
    }

    /** The execution provider the restoring network runs on. */
    public String provider() {
        return up.provider();
    }

    Session down() {
        return down;
    }

    Session up() {
        return up;
    }

    /** The gradient graph of the LR stage, if the pack ships one. */
    Optional<GradientGraph> lrGrad() {
        return lrGrad;
    }

    /** The gradient graph of the HR stage, if the pack ships one. */
    Optional<GradientGraph> hrGrad() {
        return hrGrad;
    }

    @Override
    public void close() {
        hrGrad.ifPresent(GradientGraph::close);
        lrGrad.ifPresent(GradientGraph::close);
        up.close();
        down.close();
    }
}
