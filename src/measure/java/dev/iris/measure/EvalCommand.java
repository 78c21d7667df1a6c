package dev.iris.measure;

import dev.iris.config.IrisConfig;
import dev.iris.model.ModelException;
import dev.iris.model.Rescaler;
import dev.iris.app.IrisApp;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
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
            for (Path file : images(Path.of(dirs.getFirst()))) {
                String name = file.getFileName().toString().replaceFirst("\\.[^.]+$", "");
                List<EvalRow> imageRows = Evaluation.evaluate(name, Files.readAllBytes(file), model);
                EvalRow iris = imageRows.getFirst();
                System.out.printf(Locale.ROOT, "%s: %s PSNR-Y %.2f dB, %s %.2f dB%n", name, iris.method(),
                        iris.psnrY(), imageRows.get(1).method(), imageRows.get(1).psnrY());
                rows.addAll(imageRows);
            }
            List<EvalRow> means = EvalReport.means(rows);
            String tag = "x" + model.scale();
            Files.createDirectories(out);
            String title = "iris " + model.pack().id() + " vs. alternatives, " + tag + ", " + dirs.getFirst();
            Files.writeString(out.resolve("eval-" + tag + ".md"), "# Evaluation: " + title + "\n\n"
                    + "Command: `./iris eval " + dirs.getFirst() + " --scale " + model.scale() + "`. Date: "
                    + LocalDate.now() + ".\n\n## Mean over " + (rows.size() / Math.max(1, means.size()))
                    + " images\n\n" + EvalReport.markdown(means) + "\n## Per image\n\n" + EvalReport.markdown(rows)
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
