package dev.iris.measure;

import dev.iris.asset.AssetMeta;
import dev.iris.asset.AssetName;
import dev.iris.asset.AssetStore;
import dev.iris.asset.BlobStore;
import dev.iris.asset.Ingester;
import dev.iris.config.IrisConfig;
import dev.iris.image.DecodeLimits;
import dev.iris.model.ModelException;
import dev.iris.model.Rescaler;
import dev.iris.app.IrisApp;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.stream.Stream;

/** {@code iris eval <dir> --scale 2|4 [--model id] [--out dir]}: writes eval-x{s}.md, .csv and rd-x{s}.png. */
final class EvalCommand {
    private EvalCommand() {}

    static int run(IrisConfig config, List<String> dirs, int scale, Optional<String> modelId, Path out) {
        if (dirs.size() != 1 || !Files.isDirectory(Path.of(dirs.getFirst()))) {
            System.err.println("iris: eval needs one directory of images");
            return 2;
        }
        try (IrisApp app = IrisApp.start(config)) {
            Rescaler model = modelId.flatMap(id -> app.models().flatMap(m -> m.byId(id)))
                    .or(() -> app.models().flatMap(m -> m.forScale(scale)))
                    .orElseThrow(() -> new ModelException("no model " + modelId.orElse("of scale " + scale)));
            List<EvalRow> rows = new ArrayList<>();
            StringBuilder stored = new StringBuilder("| image | source bytes | stored bytes | stored / source "
                    + "| stored bits per pixel |\n|---|---:|---:|---:|---:|\n");
            long sourceTotal = 0, storedTotal = 0;
            try (Scratch scratch = Scratch.create("iris-eval")) {
                // The real ingest into a store of its own, for what an asset costs: payloads plus metadata.
                Ingester ingester = new Ingester(AssetStore.of(BlobStore.directory(scratch.dir()), app.lrCodec()),
                        app.models().orElseThrow(), DecodeLimits.defaults(), Clock.systemUTC());
                for (Path file : images(Path.of(dirs.getFirst()))) {
                    String name = file.getFileName().toString().replaceFirst("\\.[^.]+$", "");
                    byte[] source = Files.readAllBytes(file);
                    List<EvalRow> imageRows = Evaluation.evaluate(name, source, model);
                    EvalRow iris = imageRows.getFirst();
                    EvalRow bicubic = imageRows.stream().filter(r -> r.method().startsWith("bicubic")).findFirst()
                            .orElseThrow();
                    AssetMeta meta = ingester.ingest(new Ingester.Request(new AssetName("eval"), source,
                            model.scale(), Optional.of(model.pack().id())), null);
                    long storedBytes = meta.storedBytes().orElseThrow(), sourceBytes = meta.sourceBytes().orElseThrow();
                    sourceTotal += sourceBytes;
                    storedTotal += storedBytes;
                    stored.append(String.format(Locale.ROOT, "| %s | %d | %d (%s) | %.2f | %.3f |%n", name,
                            sourceBytes, storedBytes, meta.codec(), (double) storedBytes / sourceBytes,
                            8.0 * storedBytes / ((long) meta.width() * meta.height())));
                    System.out.printf(Locale.ROOT, "%s: %s PSNR-Y %.2f dB, %s %.2f dB; stored %d B (%s) from a "
                            + "source of %d B%n", name, iris.method(), iris.psnrY(), bicubic.method(),
                            bicubic.psnrY(), storedBytes, meta.codec(), sourceBytes);
                    rows.addAll(imageRows);
                }
            }
            stored.append(String.format(Locale.ROOT, "| total | %d | %d | %.2f | |%n", sourceTotal, storedTotal,
                    (double) storedTotal / Math.max(1, sourceTotal)));
            List<EvalRow> means = EvalReport.means(rows);
            String tag = "x" + model.scale();
            Files.createDirectories(out);
            String title = "iris " + model.pack().id() + " vs. alternatives, " + tag + ", " + dirs.getFirst();
            Files.writeString(out.resolve("eval-" + tag + ".md"), "# Evaluation: " + title + "\n\n"
                    + "Command: `./iris eval " + dirs.getFirst() + " --scale " + model.scale() + "`. Date: "
                    + LocalDate.now() + ".\n\n## Mean over " + (rows.size() / Math.max(1, means.size()))
                    + " images\n\n" + EvalReport.markdown(means) + "\n## As stored by an ingest\n\n"
                    + "What `ingest` stores for each file (`storedBytes`: LR payloads and metadata) against the file it "
                    + "was given (`sourceBytes`); the evaluation images are lossless PNGs, so this says little about "
                    + "JPEG uploads, which are far smaller than a PNG of the same pixels.\n\n" + stored
                    + "\n## Per image\n\n" + EvalReport.markdown(rows)
                    + "\n![rate-distortion](rd-" + tag + ".png)\n");
            Files.writeString(out.resolve("eval-" + tag + ".csv"), EvalReport.csv(rows));
            EvalReport.plot(means, title, out.resolve("rd-" + tag + ".png"));
            System.out.print(EvalReport.markdown(means));
            return 0;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static List<Path> images(Path dir) throws IOException {
        try (Stream<Path> files = Files.list(dir)) {
            return files.filter(f -> f.getFileName().toString().matches("(?i).+\\.(png|jpe?g|webp)")).sorted().toList();
        }
    }
}
