package dev.iris.server;

import dev.iris.asset.AssetException;
import dev.iris.asset.AssetMeta;
import dev.iris.asset.IngestException;
import dev.iris.asset.Ingester;
import dev.iris.asset.LrTarget;
import dev.iris.config.ConfigException;
import dev.iris.config.ConfigLoader;
import dev.iris.config.IrisConfig;
import dev.iris.model.ModelException;
import dev.iris.ort.OrtException;
import dev.iris.app.IrisApp;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.stream.Stream;

/**
 * {@code iris <command>}: {@code serve} starts the server; {@code ingest <file|dir> --scale 2|4 [--model id]
 * [--optimize[=N]] [--optimize-hr=N]} makes assets from images; {@code migrate} re-encodes the store's LRs into the configured codec.
 * Options {@code --key=value} override {@code conf/iris.properties}.
 */
public final class Main {
    private static final String USAGE = """
            usage: iris <command> [options]
              serve                                   start the server (http://localhost:8080/ by default)
              ingest <file|dir> [--scale S|SX,SY | --lr-width W] [--model id] [--optimize[=N]] [--optimize-hr=N]
                                                      store images as invertible-LR assets (scale 1.1 to 4 per
                                                      axis; x2 and x4 by the dedicated models, others by the
                                                      arbitrary-scale one; --lr-width: the LR's width);
                                                      --optimize optimises each LR for the restore
                                                      (ingest.optimizeIterations iterations, or N; slower ingest,
                                                      same serving; x2/x4 models); --optimize-hr first optimises
                                                      the HR fed to the downscaler N iterations
                                                      (ingest.optimizeHrIterations)
              migrate                                 re-encode every stored LR into assets.lrCodec (webp),
                                                      pixel-identical, asset by asset; safe while serving
              help                                    this text
            options: --config=FILE (default conf/iris.properties), --<key>=<value> for any key in it,
                     e.g. --server.port=9090
            """;

    private Main() {}

    public static void main(String[] args) {
        System.exit(run(args));
    }

    /** Runs a command; returns the exit status (0 ok, 1 failed, 2 unusable configuration, model or arguments). */
    static int run(String[] args) {
        try {
            return dispatch(args);
        } catch (ConfigException | ModelException | OrtException | UncheckedIOException | AssetException e) {
            System.err.println("iris: " + e.getMessage());
            return 2;
        }
    }

    private static int dispatch(String[] args) {
        List<String> positional = new ArrayList<>();
        Map<String, String> options = new LinkedHashMap<>();
        for (String arg : args) {
            if (arg.equals("--optimize")) { // a bare flag: the configured iterations
                options.put("optimize", "");
            } else if (arg.startsWith("--") && arg.contains("=")) {
                options.put(arg.substring(2, arg.indexOf('=')), arg.substring(arg.indexOf('=') + 1));
            } else {
                positional.add(arg);
            }
        }
        // "--scale 2", "--lr-width 1280" and "--model id" are also accepted as two words, as the ingest usage shows.
        for (int i = 0; i < positional.size() - 1; i++) {
            if (List.of("--scale", "--lr-width", "--model").contains(positional.get(i))) {
                options.put(positional.get(i).substring(2), positional.remove(i + 1));
                positional.remove(i--);
            }
        }
        String command = positional.isEmpty() ? "help" : positional.removeFirst();
        Path base = Path.of("").toAbsolutePath();
        Path configFile = base.resolve(Optional.ofNullable(options.remove("config")).orElse("conf/iris.properties"));
        return switch (command) {
            case "serve" -> serve(load(configFile, options, base));
            case "ingest" -> {
                Optional<String> scale = Optional.ofNullable(options.remove("scale"));
                Optional<String> lrWidth = Optional.ofNullable(options.remove("lr-width"));
                Optional<String> model = Optional.ofNullable(options.remove("model"));
                Optional<String> optimize = Optional.ofNullable(options.remove("optimize"));
                Optional<String> optimizeHr = Optional.ofNullable(options.remove("optimize-hr"));
                LrTarget target;
                try {
                    target = LrTarget.parse(scale, lrWidth);
                } catch (IngestException e) {
                    System.err.println("iris: " + (lrWidth.isPresent() ? "--lr-width: " : "--scale: ") + e.getMessage());
                    yield 2;
                }
                yield ingest(load(configFile, options, base), positional, target, model, optimize, optimizeHr);
            }
            case "migrate" -> {
                IrisConfig config = load(configFile, options, base);
                try (IrisApp.OpenStore open = IrisApp.openStore(config)) {
                    yield new MigrateCommand(open.store(), IrisApp.lrCodec(config).id(), System.out, System.err)
                            .run();
                }
            }
            case "help", "--help", "-h" -> {
                System.out.print(USAGE);
                yield 0;
            }
            default -> {
                System.err.print("iris: unknown command " + command + "\n" + USAGE);
                yield 2;
            }
        };
    }

    private static IrisConfig load(Path file, Map<String, String> overrides, Path base) {
        return ConfigLoader.load(Optional.of(file), overrides, base);
    }

    private static int serve(IrisConfig config) {
        IrisApp app = IrisApp.start(config);
        List<String> demos = app.ingestDemos();
        if (!demos.isEmpty()) {
            System.out.println("iris: ingested demo images " + demos);
        }
        try (IrisServer server = new IrisServer(app).start()) {
            System.out.printf(Locale.ROOT, "iris: serving on http://localhost:%d/ (models: %s, ONNX Runtime %s)%n",
                    server.port(), app.models().map(m -> m.all().stream().map(r -> r.pack().id() + "@"
                            + r.pack().provider()).toList().toString()).orElse("none, LR-only"), app.ort().version());
            server.join();
            return 0;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return 1;
        } catch (Exception e) {
            System.err.println("iris: server failed: " + e.getMessage());
            return 1;
        } finally {
            app.close();
        }
    }

    private static int ingest(IrisConfig config, List<String> paths, LrTarget target, Optional<String> model,
            Optional<String> optimizeText, Optional<String> optimizeHrText) {
        if (paths.isEmpty()) {
            System.err.print("iris: ingest needs a file or directory\n" + USAGE);
            return 2;
        }
        int optimize;
        try {
            optimize = optimizeText.map(t -> Ingester.parseOptimize(t, config.ingest().optimizeIterations())).orElse(0);
        } catch (IngestException e) {
            System.err.println("iris: --optimize: " + e.getMessage());
            return 2;
        }
        OptionalInt optimizeHr;
        try {
            optimizeHr = optimizeHrText.map(t -> OptionalInt.of(Ingester.parseOptimizeHr(t))).orElse(OptionalInt.empty());
        } catch (IngestException e) {
            System.err.println("iris: --optimize-hr: " + e.getMessage());
            return 2;
        }
        try (IrisApp app = IrisApp.start(config)) {
            app.ingester().orElseThrow(() -> new ModelException("no model loaded"));
            int failures = 0;
            for (Path file : files(paths)) {
                try {
                    AssetMeta meta = app.ingestFile(file, target, model, optimize, optimizeHr);
                    System.out.printf(Locale.ROOT, "%s -> %s (%dx%d, LR %dx%d, x%s %s%s, round trip %.2f dB)%n",
                            file, meta.name(), meta.width(), meta.height(), meta.lrWidth(), meta.lrHeight(),
                            meta.scale(), meta.modelId(), meta.optimizeIterations() > 0
                                    ? ", optimised " + meta.optimizeIterations() + " iterations" : "",
                            meta.roundTripPsnrY());
                } catch (RuntimeException e) { // one bad file must not stop the rest
                    failures++;
                    System.err.println(file + ": " + e.getMessage());
                }
            }
            return failures == 0 ? 0 : 1;
        }
    }

    private static List<Path> files(List<String> paths) {
        List<Path> files = new ArrayList<>();
        for (String p : paths) {
            Path path = Path.of(p);
            if (Files.isDirectory(path)) {
                try (Stream<Path> children = Files.list(path)) {
                    children.filter(Files::isRegularFile).sorted().forEach(files::add);
                } catch (IOException e) {
                    throw new UncheckedIOException("cannot list " + path, e);
                }
            } else {
                files.add(path);
            }
        }
        return files;
    }
}
