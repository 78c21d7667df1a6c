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

/**
 * One model directory, loaded: its card and its two ORT sessions, checked against the ONNX contract. Thread-safe
 * (sessions serve concurrent runs); the owner closes it.
 */
public final class ModelPack implements AutoCloseable {
    private final Path dir;
    private final ModelCard card;
    private final Session down;
    private final Session up;

    private ModelPack(Path dir, ModelCard card, Session down, Session up) {
        this.dir = dir;
        this.card = card;
        this.down = down;
        this.up = up;
    }

    /**
     * Loads {@code dir}: reads {@code model.json}, checks both files' SHA-256, opens both sessions and checks their
     * input and output names and ranks.
     *
     * @throws ModelException naming the file (and field) at fault
     */
    public static ModelPack open(OrtRuntime ort, Path dir, SessionOptions options) {
        ModelCard card = ModelCard.read(dir.resolve("model.json"));
        boolean conditioned = card.family() == ModelCard.Family.IARN; // takes the scale as a second input
        Session down = openChecked(ort, dir.resolve("down.onnx"), card.downSha256(), options, "hr", conditioned, "lr");
        try {
            Session up = openChecked(ort, dir.resolve("up.onnx"), card.upSha256(), options, "lr", conditioned, "hr");
            return new ModelPack(dir, card, down, up);
        } catch (RuntimeException e) {
            down.close();
            throw e;
        }
    }

    private static Session openChecked(OrtRuntime ort, Path file, String sha256, SessionOptions options,
            String input, boolean scaleInput, String output) {
        byte[] bytes;
        try {
            bytes = Files.readAllBytes(file);
        } catch (IOException e) {
            throw new ModelException(file + ": cannot read model file (" + e.getClass().getSimpleName() + ")", e);
        }
        String actual = Sha256.hex(bytes);
        if (!actual.equalsIgnoreCase(sha256)) {
            throw new ModelException(file + ": sha256 is " + actual + " but model.json says " + sha256);
        }
        Session session;
        try {
            session = ort.open(bytes, options);
        } catch (OrtException e) {
            throw new ModelException(file + ": ONNX Runtime cannot load it: " + e.getMessage(), e);
        }
        try {
            if (session.inputs().size() != (scaleInput ? 2 : 1)) {
                throw new ModelException(file + ": expected the inputs " + (scaleInput ? input + " and scale" : input)
                        + ", got " + session.inputs());
            }
            expect(file, "input", named(session, input), input, 4);
            if (scaleInput) {
                expect(file, "input", named(session, "scale"), "scale", 2);
            }
            expect(file, "output", session.outputs().size() == 1 ? session.outputs().getFirst() : null, output, 4);
            return session;
        } catch (RuntimeException e) {
            session.close();
            throw e;
        }
    }

    private static TensorInfo named(Session session, String name) {
        return session.inputs().stream().filter(i -> i.name().equals(name)).findFirst().orElse(null);
    }

    private static void expect(Path file, String role, TensorInfo info, String name, int rank) {
        if (info == null || !info.name().equals(name) || info.rank() != rank) {
            throw new ModelException(file + ": expected an " + role + " named " + name + " of rank " + rank + ", got "
                    + info);
        }
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

    @Override
    public void close() {
        up.close();
        down.close();
    }
}
