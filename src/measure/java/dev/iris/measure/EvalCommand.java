package dev.iris.measure;

import dev.iris.asset.AssetMeta;
import dev.iris.asset.AssetName;
import dev.iris.asset.AssetStore;
import dev.iris.asset.BlobStore;
import dev.iris.asset.Ingester;
import dev.iris.config.IrisConfig;
import dev.iris.image.DecodeLimits;
import dev.iris.image.Decoder;
import dev.iris.image.Resampler;
import dev.iris.image.Rgb8Image;
import dev.iris.model.ArbitraryRescaler;
import dev.iris.model.ModelException;
import dev.iris.model.ModelRegistry;
import dev.iris.model.RescaleModel;
import dev.iris.model.Rescaler;
import dev.iris.model.Scale;
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

/**
 * {@code iris eval <dir> [--scale 2|4] [--model id] [--crop n] [--out dir]}: a fixed-scale model against the
 * alternatives at its scale, into eval-x{s}.md, .csv and rd-x{s}.png; an arbitrary-scale model ({@code --model
 * iarn-small}) over the scales of {@link ScaleEvaluation#SCALES}, into eval-{id}.md, .csv and scales-{id}.png.
 */
final class EvalCommand {
    private EvalCommand() {}

    static int run(IrisConfig config, List<String> dirs, int scale, Optional<String> modelId, int crop, Path out) {
        if (dirs.size() != 1 || !Files.isDirectory(Path.of(dirs.getFirst()))) {
            System.err.println("iris: eval needs one directory of images");
            return 2;
        }
        try (IrisApp app = IrisApp.start(config)) {
            ModelRegistry models = app.models().orElseThrow(() -> new ModelException("no models loaded"));
            RescaleModel chosen = modelId.isPresent()
                    ? models.byId(modelId.get()).orElseThrow(() -> new ModelException("no model " + modelId.get()))
                    : models.forScale(scale).orElseThrow(() -> new ModelException("no model of scale " + scale));
            return switch (chosen) {
                case Rescaler fixed -> fixedScale(app, dirs.getFirst(), fixed, out);
                case ArbitraryRescaler arbitrary -> overScales(models, dirs.getFirst(), arbitrary, crop, out);
            };
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static int overScales(ModelRegistry models, String dir, ArbitraryRescaler model, int crop, Path out)
            throws IOException {
        Rescaler x2 = models.forScale(2).orElseThrow(() -> new ModelException("the baselines need an x2 model"));
        Rescaler x4 = models.forScale(4).orElseThrow(() -> new ModelException("the baselines need an x4 model"));
        List<ScaleRow> rows = new ArrayList<>();
        for (Scale scale : ScaleEvaluation.SCALES) {
            for (Path file : images(Path.of(dir))) {
                Rgb8Image hr = centre(Decoder.decode(Files.readAllBytes(file), DecodeLimits.defaults())
                        .withoutAlpha(), crop);
                rows.addAll(ScaleEvaluation.evaluate(name(file), hr, scale, model, x2, x4));
            }
            System.out.printf(Locale.ROOT, "%s: %s %.2f dB, %s %.2f dB%n", ScaleEvalReport.label(scale),
                    model.pack().id(), ScaleEvalReport.mean(rows, model.pack().id(), scale, ScaleRow::psnrY),
                    ScaleEvaluation.BASELINE, ScaleEvalReport.mean(rows, ScaleEvaluation.BASELINE, scale,
                            ScaleRow::psnrY));
        }
        String id = model.pack().id();
        String command = "./iris eval " + dir + " --model " + id + " --crop " + crop;
        String md = "# Evaluation: " + id + " over scales, " + dir + "\n\nCommand: `" + command + "`. Date: "
                + LocalDate.now() + ". " + rows.stream().map(ScaleRow::image).distinct().count() + " images"
                + (crop > 0 ? ", centre crops of " + crop + "x" + crop : ", whole") + "; through iris's own model "
                + "layer and resampler (ONNX Runtime via the FFM binding), the Python twin being "
                + "`models/train/iarn_eval.py`.\n\nScales as (s_x, s_y); LR size (round(W / s_x), round(H / s_y)), "
                + "the same for every method; 8-bit images between every step; PSNR-Y (BT.601) with a border of "
                + "ceil(max(s)) cropped. The no-training baseline resizes the original (bicubic) to 4x the LR size, "
                + "runs " + x4.pack().id() + " down and up, and resizes back; the nearest fixed-scale IRN does the "
                + "same with " + x2.pack().id() + " at 2x the LR size where the geometric mean scale is below "
                + "2√2.\n\n"
                + ScaleEvalReport.markdown(rows, ScaleEvaluation.SCALES) + "\n![gain over scales](scales-" + id
                + ".png)\n";
        Files.createDirectories(out);
        Files.writeString(out.resolve("eval-" + id + ".md"), md);
        Files.writeString(out.resolve("eval-" + id + ".csv"), ScaleEvalReport.csv(rows));
        ScaleEvalReport.plot(rows, ScaleEvaluation.SCALES, id + " vs. alternatives over scales, " + dir,
                out.resolve("scales-" + id + ".png"));
        System.out.print(md.substring(md.indexOf("## Gain"), md.indexOf("## LR")));
        return 0;
    }

    /** The centre {@code crop x crop} of {@code image} (or less where it is smaller); all of it for 0. */
    private static Rgb8Image centre(Rgb8Image image, int crop) {
        if (crop <= 0) {
            return image;
        }
        int w = Math.min(crop, image.width()), h = Math.min(crop, image.height());
        return Resampler.crop(image, (image.width() - w) / 2, (image.height() - h) / 2, w, h);
    }

    private static String name(Path file) {
        return file.getFileName().toString().replaceFirst("\\.[^.]+$", "");
    }

    private static int fixedScale(IrisApp app, String dir, Rescaler model, Path out) throws IOException {
        List<EvalRow> rows = new ArrayList<>();
        StringBuilder stored = new StringBuilder("| image | source bytes | stored bytes | stored / source "
                + "| stored bits per pixel |\n|---|---:|---:|---:|---:|\n");
        long sourceTotal = 0, storedTotal = 0;
        try (Scratch scratch = Scratch.create("iris-eval")) {
            // The real ingest into a store of its own, for what an asset costs: payloads plus metadata.
            Ingester ingester = new Ingester(AssetStore.of(BlobStore.directory(scratch.dir()), app.lrCodec()),
                    app.models().orElseThrow(), DecodeLimits.defaults(), Clock.systemUTC());
            for (Path file : images(Path.of(dir))) {
                String name = name(file);
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
        String title = "iris " + model.pack().id() + " vs. alternatives, " + tag + ", " + dir;
        Files.writeString(out.resolve("eval-" + tag + ".md"), "# Evaluation: " + title + "\n\n"
                + "Command: `./iris eval " + dir + " --scale " + model.scale() + "`. Date: "
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
    }

    private static List<Path> images(Path dir) throws IOException {
        try (Stream<Path> files = Files.list(dir)) {
            return files.filter(f -> f.getFileName().toString().matches("(?i).+\\.(png|jpe?g|webp)")).sorted().toList();
        }
    }
}
