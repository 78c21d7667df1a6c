package dev.iris.measure;

import dev.iris.app.IrisApp;
import dev.iris.asset.AssetMeta;
import dev.iris.model.Rescaler;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * One measuring run's temporary directory: its asset store, a copy of the static files, and renamed copies of the
 * demo originals to ingest under names of their own. Deleted on {@link #close}. Not thread-safe.
 */
final class Scratch implements AutoCloseable {
    private final Path dir;

    private Scratch(Path dir) {
        this.dir = dir;
    }

    static Scratch create(String prefix) {
        try {
            return new Scratch(Files.createTempDirectory(prefix));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create a temporary directory", e);
        }
    }

    Path dir() {
        return dir;
    }

    /**
     * {@code overrides} plus what every measuring run sets: loopback on a free port, the asset store in this
     * directory, and no ingest endpoint.
     */
    Map<String, String> loopbackSettings(Map<String, String> overrides) {
        Map<String, String> settings = new HashMap<>(overrides);
        settings.put("server.host", "127.0.0.1");
        settings.put("server.port", "0");
        settings.put("assets.dir", dir.resolve("assets").toString());
        settings.put("assets.ingestToken", "");
        return settings;
    }

    /**
     * Ingests {@code photo} as the asset {@code name} through {@link IrisApp#ingestFile}, which names an asset after
     * its file, so the photo is first copied to {@code name.jpg} here. A new name is a new cache key: the asset's
     * first request is cold.
     */
    AssetMeta ingestAs(IrisApp app, Path photo, String name, Rescaler model) {
        Path copy = dir.resolve("copies").resolve(name + ".jpg");
        try {
            Files.createDirectories(copy.getParent());
            Files.copy(photo, copy);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot copy " + photo + " to " + copy, e);
        }
        return app.ingestFile(copy, model.scale(), Optional.of(model.pack().id()));
    }

    /** Copies the directory tree {@code from} to {@code to}, which must not exist yet. */
    static void copyTree(Path from, Path to) {
        try (Stream<Path> paths = Files.walk(from)) {
            for (Path p : paths.toList()) {
                Path target = to.resolve(from.relativize(p).toString());
                if (Files.isDirectory(p)) {
                    Files.createDirectories(target);
                } else {
                    Files.copy(p, target);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot copy " + from + " to " + to, e);
        }
    }

    @Override
    public void close() {
        try (Stream<Path> paths = Files.walk(dir)) {
            paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            System.err.println("iris: could not remove " + dir + ": " + e.getMessage());
        }
    }
}
