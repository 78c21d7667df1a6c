package dev.iris.measure;

import dev.iris.asset.IngestException;
import dev.iris.asset.LrTarget;
import dev.iris.config.ConfigException;
import dev.iris.config.ConfigLoader;
import dev.iris.model.ModelException;
import dev.iris.ort.OrtException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * {@code iris-measure <command>}: the measurement commands, run by {@code ./iris eval|bench|loadtest|bench-ort}
 * from {@code target/iris-measure.jar}, which is built beside {@code iris.jar} and never shipped. Options
 * {@code --key=value} override {@code conf/iris.properties}, as for {@code iris serve}.
 */
public final class Main {
    private static final String USAGE = """
            usage: iris <measurement> [options]    (measurement: target/iris-measure.jar, not part of iris.jar)
              eval <dir> [--scale 2|4] [--model id] [--crop 384] [--out docs/eval]
                                                      quality and bytes vs bicubic, JPEG and WebP; for an
                                                      arbitrary-scale --model, quality over scales against
                                                      the baselines on centre crops (--crop 0: whole images)
              bench [--out docs/BENCHMARKS.md] [--seconds 10] [--runs 5]
                                                      model speed and memory, server latency and throughput
                                                      against baselines, as Markdown
              loadtest [--seconds 180] [--windows 6] [--rss-budget-mb 3072] [--soak-seconds 0] [--out docs/LOADTEST.md]
                                                      bounded overload on loopback; exit 1 if a promise breaks
              bench-ort [--out docs/ORT-OVERHEAD.md]  FFM binding vs ONNX Runtime's JNI API, per call
              webp-effort <image>... [--scale 2] [--runs 3] [--out docs/WEBP-EFFORT.md]
                                                      lossless WebP bytes and time per libwebp effort on iris LRs
              profile [--threads 2] [--side 1000] [--runs 5] [--variants a,b] [--out docs/BENCHMARKS.md]
                                                      ORT's per-operator profile of each up.onnx under several
                                                      session settings (its own section of the file)
              first-request [--sizes 1,3,12] [--out docs/BENCHMARKS.md]
                                                      w=1600 after an HTTP ingest, after a restart, provisional;
                                                      vipsthumbnail and nginx image_filter when installed
              hcd <dir> [--scale 2|4] [--iterations 0,5,10,15,20] [--hr-iterations 0,10] [--out docs/hcd-x2.md]
                                                      encode-time optimisation (HCD): gain, time, LR fidelity;
                                                      each LR count after each HR-stage count (default 0)
              help                                    this text (also --help after any command)
            options: --config=FILE (default conf/iris.properties), --<key>=<value> for any key in it
            """;
    /** Options that may also be given as two words, {@code --scale 2}. */
    private static final List<String> TWO_WORD = List.of("--scale", "--model", "--out", "--seconds", "--runs",
            "--windows", "--rss-budget-mb", "--soak-seconds", "--threads", "--side", "--sizes", "--variants",
            "--iterations", "--hr-iterations", "--crop");

    private Main() {}

    public static void main(String[] args) throws Exception {
        System.exit(run(args));
    }

    /** Runs a command; returns the exit status (0 ok, 1 failed, 2 unusable configuration, model or arguments). */
    static int run(String[] args) throws Exception {
        try {
            return dispatch(args);
        } catch (ConfigException | ModelException | OrtException | UncheckedIOException e) {
            System.err.println("iris: " + e.getMessage());
            return 2;
        }
    }

    private static int dispatch(String[] args) throws Exception {
        List<String> positional = new ArrayList<>();
        Map<String, String> options = new LinkedHashMap<>();
        for (int i = 0; i < args.length; i++) {
            String arg = args[i];
            if (arg.equals("--help") || arg.equals("-h")) {
                positional.addFirst("help");
            } else if (arg.startsWith("--") && arg.contains("=")) {
                options.put(arg.substring(2, arg.indexOf('=')), arg.substring(arg.indexOf('=') + 1));
            } else if (TWO_WORD.contains(arg) && i + 1 < args.length) {
                options.put(arg.substring(2), args[++i]);
            } else {
                positional.add(arg);
            }
        }
        String command = positional.isEmpty() ? "help" : positional.removeFirst();
        Path base = Path.of("").toAbsolutePath();
        Path configFile = base.resolve(Optional.ofNullable(options.remove("config")).orElse("conf/iris.properties"));
        return switch (command) {
            case "eval" -> {
                int scale;
                try {
                    scale = fixedScale(Optional.ofNullable(options.remove("scale")).orElse("2"));
                } catch (IngestException e) {
                    System.err.println("iris: --scale: " + e.getMessage());
                    yield 2;
                }
                Optional<String> model = Optional.ofNullable(options.remove("model"));
                String crop = Optional.ofNullable(options.remove("crop")).orElse("384");
                if (!crop.matches("0|[1-9][0-9]{0,4}")) {
                    System.err.println("iris: --crop needs a side in pixels (0: whole images), got " + crop);
                    yield 2;
                }
                Path out = base.resolve(Optional.ofNullable(options.remove("out")).orElse("docs/eval"));
                yield EvalCommand.run(ConfigLoader.load(Optional.of(configFile), options, base), positional,
                        scale, model, Integer.parseInt(crop), out);
            }
            case "loadtest" -> {
                Path out = base.resolve(Optional.ofNullable(options.remove("out")).orElse("docs/LOADTEST.md"));
                String seconds = Optional.ofNullable(options.remove("seconds")).orElse("180");
                String windows = Optional.ofNullable(options.remove("windows")).orElse("6");
                String budget = Optional.ofNullable(options.remove("rss-budget-mb")).orElse("3072");
                String soak = Optional.ofNullable(options.remove("soak-seconds")).orElse("0");
                if (!seconds.matches("[1-9][0-9]{0,3}") || !windows.matches("[1-9][0-9]?")
                        || !budget.matches("[1-9][0-9]{1,6}") || !soak.matches("[0-9]{1,5}")) {
                    System.err.println("iris: loadtest needs --seconds 1..9999, --windows 1..99, --rss-budget-mb, "
                            + "--soak-seconds 0..99999");
                    yield 2;
                }
                yield LoadTestCommand.run(configFile, options, base, out, Integer.parseInt(seconds),
                        Integer.parseInt(windows), Long.parseLong(budget) << 20, Integer.parseInt(soak));
            }
            case "bench" -> {
                Path out = base.resolve(Optional.ofNullable(options.remove("out")).orElse("docs/BENCHMARKS.md"));
                String secondsText = Optional.ofNullable(options.remove("seconds")).orElse("10");
                String runsText = Optional.ofNullable(options.remove("runs")).orElse("5");
                if (!secondsText.matches("[0-9]{1,3}(\\.[0-9]+)?") || !runsText.matches("[1-9][0-9]{0,2}")
                        || Double.parseDouble(secondsText) < 0.1) {
                    System.err.println("iris: bench needs --seconds 0.1..999 and --runs 1..999, got " + secondsText
                            + " and " + runsText);
                    yield 2;
                }
                yield BenchCommand.run(configFile, options, base, out, Double.parseDouble(secondsText),
                        Integer.parseInt(runsText), "./iris " + String.join(" ", args));
            }
            case "hcd" -> {
                int scale;
                try {
                    scale = fixedScale(Optional.ofNullable(options.remove("scale")).orElse("2"));
                } catch (IngestException e) {
                    System.err.println("iris: --scale: " + e.getMessage());
                    yield 2;
                }
                String counts = Optional.ofNullable(options.remove("iterations")).orElse("0,5,10,15,20");
                if (!counts.matches("0(,[1-9][0-9]{0,2})*")) {
                    System.err.println("iris: hcd needs --iterations 0,N,... (0 first: the plain LR), got " + counts);
                    yield 2;
                }
                String hrCounts = Optional.ofNullable(options.remove("hr-iterations")).orElse("0");
                if (!hrCounts.matches("(0|[1-9][0-9]{0,2})(,(0|[1-9][0-9]{0,2}))*")) {
                    System.err.println("iris: hcd needs --hr-iterations N,... (HR-stage counts), got " + hrCounts);
                    yield 2;
                }
                Path out = base.resolve(Optional.ofNullable(options.remove("out")).orElse("docs/hcd-x" + scale + ".md"));
                yield HcdCommand.run(ConfigLoader.load(Optional.of(configFile), options, base), positional, scale,
                        java.util.Arrays.stream(counts.split(",")).map(Integer::parseInt).toList(),
                        java.util.Arrays.stream(hrCounts.split(",")).map(Integer::parseInt).toList(), out);
            }
            case "webp-effort" -> {
                Path out = base.resolve(Optional.ofNullable(options.remove("out")).orElse("docs/WEBP-EFFORT.md"));
                String runs = Optional.ofNullable(options.remove("runs")).orElse("3");
                String scale = Optional.ofNullable(options.remove("scale")).orElse("2");
                if (!runs.matches("[1-9][0-9]?") || !scale.matches("[24]")) {
                    System.err.println("iris: webp-effort needs --runs 1..99 and --scale 2 or 4");
                    yield 2;
                }
                yield WebpEffortCommand.run(ConfigLoader.load(Optional.of(configFile), options, base), positional,
                        Integer.parseInt(scale), Integer.parseInt(runs), out, "./iris " + String.join(" ", args));
            }
            case "bench-ort" -> {
                Path out = base.resolve(Optional.ofNullable(options.remove("out")).orElse("docs/ORT-OVERHEAD.md"));
                OrtOverheadBenchmark.run(out);
                yield 0;
            }
            case "profile" -> {
                Path out = base.resolve(Optional.ofNullable(options.remove("out")).orElse("docs/BENCHMARKS.md"));
                String threads = Optional.ofNullable(options.remove("threads")).orElse("2");
                String side = Optional.ofNullable(options.remove("side")).orElse("1000");
                String runs = Optional.ofNullable(options.remove("runs")).orElse("5");
                if (!threads.matches("[1-9][0-9]?") || !side.matches("[1-9][0-9]{1,3}") || !runs.matches("[1-9][0-9]?")) {
                    System.err.println("iris: profile needs --threads 1..99, --side 10..9999, --runs 1..99");
                    yield 2;
                }
                String variants = Optional.ofNullable(options.remove("variants")).orElse("");
                yield ProfileCommand.run(configFile, options, base, out, Integer.parseInt(threads),
                        Integer.parseInt(side), Integer.parseInt(runs), variants, "./iris " + String.join(" ", args));
            }
            case "first-request" -> {
                Path out = base.resolve(Optional.ofNullable(options.remove("out")).orElse("docs/BENCHMARKS.md"));
                String sizes = Optional.ofNullable(options.remove("sizes")).orElse("1,3,12");
                if (!sizes.matches("[0-9]+(\\.[0-9]+)?(,[0-9]+(\\.[0-9]+)?)*")) {
                    System.err.println("iris: first-request needs --sizes as megapixels, e.g. 1,3,12, got " + sizes);
                    yield 2;
                }
                yield FirstRequestCommand.run(configFile, options, base, out, java.util.Arrays.stream(sizes.split(","))
                        .map(Double::parseDouble).toList(), "./iris " + String.join(" ", args));
            }
            case "help" -> {
                System.out.print(USAGE);
                yield 0;
            }
            default -> {
                System.err.print("iris: unknown measurement command " + command + "\n" + USAGE);
                yield 2;
            }
        };
    }

    /** eval and hcd measure the fixed-scale models: x2 or x4. */
    private static int fixedScale(String text) {
        int scale = LrTarget.parseScale(text).scale().integer();
        if (scale != 2 && scale != 4) {
            throw new IngestException("this measures the fixed-scale models: expected 2 or 4, got " + text);
        }
        return scale;
    }
}
