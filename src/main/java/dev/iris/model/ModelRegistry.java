package dev.iris.model;

import dev.iris.ort.OrtRuntime;
import dev.iris.ort.SessionOptions;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * Every model pack under a directory, loaded at startup, by id. Thread-safe after construction; closing it closes
 * every pack.
 */
public final class ModelRegistry implements AutoCloseable {
    private final Map<String, RescaleModel> byId = new LinkedHashMap<>();

    private ModelRegistry(List<ModelPack> packs, int tileLr, long maxRunBytes) {
        packs.forEach(pack -> byId.put(pack.id(), RescaleModel.forPack(pack, tileLr, maxRunBytes)));
        for (ModelPack pack : packs) {
            pack.card().supersededBy().filter(successor -> !byId.containsKey(successor)).ifPresent(successor ->
                    System.getLogger(ModelRegistry.class.getName()).log(System.Logger.Level.WARNING, "model {0} is "
                            + "superseded by {1}, which is not loaded: {0} stays a default for new ingests",
                            pack.id(), successor));
        }
    }

    /**
     * Loads each subdirectory of {@code modelsDir} that holds a {@code model.json}, in name order.
     *
     * @throws ModelException if a pack is broken (the message names the file) or none is found
     */
    public static ModelRegistry load(OrtRuntime ort, Path modelsDir, SessionOptions options) {
        return load(ort, modelsDir, options, Integer.MAX_VALUE, Long.MAX_VALUE);
    }

    /**
     * As {@link #load(OrtRuntime, Path, SessionOptions)}, running images whose LR is larger than {@code tileLr} in
     * tiles, smaller ones where a run would need more than {@code maxRunBytes} of native memory.
     */
    public static ModelRegistry load(OrtRuntime ort, Path modelsDir, SessionOptions options, int tileLr,
            long maxRunBytes) {
        List<Path> dirs;
        try (Stream<Path> children = Files.list(modelsDir)) {
            dirs = children.filter(d -> Files.isRegularFile(d.resolve("model.json"))).sorted().toList();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list model directory " + modelsDir, e);
        }
        if (dirs.isEmpty()) {
            throw new ModelException(modelsDir + ": no model packs (subdirectories with a model.json)");
        }
        List<ModelPack> packs = new ArrayList<>();
        try {
            for (Path dir : dirs) {
                ModelPack pack = ModelPack.open(ort, dir, options);
                if (!pack.id().equals(dir.getFileName().toString())) {
                    pack.close();
                    throw new ModelException(dir.resolve("model.json") + ": field id is " + pack.id()
                            + " but the directory is " + dir.getFileName());
                }
                packs.add(pack);
            }
        } catch (RuntimeException e) {
            packs.forEach(ModelPack::close);
            throw e;
        }
        try {
            return new ModelRegistry(packs, tileLr, maxRunBytes);
        } catch (RuntimeException e) {
            packs.forEach(ModelPack::close);
            throw e;
        }
    }

    /** The model with {@code id}, if loaded. */
    public Optional<RescaleModel> byId(String id) {
        return Optional.ofNullable(byId.get(id));
    }

    /**
     * The first loaded lossless fixed-scale model (in id order) of the given scale. A compression-aware model (one
     * whose card names a lossy {@code lr_codec}) is never a default: its assets are stored lossily, which only a
     * request naming it asks for. Nor is a superseded one whose successor is loaded: it restores what it made.
     */
    public Optional<Rescaler> forScale(int scale) {
        return byId.values().stream().filter(m -> m instanceof Rescaler r && r.scale() == scale && isDefault(m))
                .map(Rescaler.class::cast).findFirst();
    }

    /** Whether new ingests may take this model unasked: lossless, and not replaced by a loaded successor. */
    private boolean isDefault(RescaleModel model) {
        ModelCard card = model.pack().card();
        return card.lrCodec().isEmpty() && card.supersededBy().filter(byId::containsKey).isEmpty();
    }

    /**
     * The model an ingest at {@code scale} uses by default: the dedicated fixed-scale model for a uniform integer
     * scale it makes, else the first arbitrary-scale model (in id order) whose range holds it.
     */
    public Optional<RescaleModel> forScale(Scale scale) {
        return forScale(scale.integer()).<RescaleModel>map(m -> m)
                .or(() -> byId.values().stream()
                        .filter(m -> m instanceof ArbitraryRescaler && m.makes(scale) && isDefault(m))
                        .findFirst());
    }

    /** The fixed-scale (IRN) models, in id order: what the measurements written for them run. */
    public List<Rescaler> fixedScale() {
        return byId.values().stream().filter(Rescaler.class::isInstance).map(Rescaler.class::cast).toList();
    }

    public Collection<RescaleModel> all() {
        return byId.values();
    }

    @Override
    public void close() {
        byId.values().forEach(r -> r.pack().close());
    }
}
