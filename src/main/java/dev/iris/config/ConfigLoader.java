package dev.iris.config;

import java.io.IOException;
import java.io.Reader;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;
import java.util.function.Function;

/**
 * Reads {@link IrisConfig} from a properties file plus overrides (system properties {@code iris.<key>}, then
 * command-line {@code --key=value}), with every default here and nowhere else. Reports every bad key at once.
 */
public final class ConfigLoader {
    /** System property naming the configuration file itself; not a configuration key. */
    public static final String CONFIG_FILE_PROPERTY = "iris.config";

    private final Properties values = new Properties();
    private final List<String> problems = new ArrayList<>();
    private final Set<String> read = new LinkedHashSet<>();

    private ConfigLoader() {}

    /**
     * Loads {@code file} (missing is fine: all defaults), then {@code iris.*} system properties, then
     * {@code overrides}; relative paths resolve against {@code base}.
     *
     * @throws ConfigException listing every bad or unknown key
     */
    public static IrisConfig load(Optional<Path> file, Map<String, String> overrides, Path base) {
        ConfigLoader loader = new ConfigLoader();
        if (file.isPresent() && Files.isRegularFile(file.get())) {
            try (Reader reader = Files.newBufferedReader(file.get(), StandardCharsets.UTF_8)) {
                loader.values.load(reader);
            } catch (IOException e) {
                throw new ConfigException(List.of(file.get() + ": cannot read: " + e.getMessage()));
            }
        }
        System.getProperties().stringPropertyNames().stream()
                .filter(k -> k.startsWith("iris.") && !k.equals(CONFIG_FILE_PROPERTY))
                .forEach(k -> loader.values.setProperty(k.substring("iris.".length()), System.getProperty(k)));
        loader.values.putAll(overrides);
        return loader.build(base);
    }

    private IrisConfig build(Path base) {
        var server = new IrisConfig.Server(
                string("server.host", "0.0.0.0"),
                integer("server.port", 8080, 0, 65535),
                millis("server.shutdownTimeoutMs", 10_000),
                path(base, "server.webappDir", "webapp"));
        var serving = new IrisConfig.Serving(
                prefix(string("serving.prefix", "/img/")),
                Duration.ofSeconds(integer("serving.maxAgeSeconds", 86_400, 0, Integer.MAX_VALUE)),
                bool("serving.acceptWebp", false),
                bool("serving.enlarge", false),
                integer("serving.defaultQuality", 85, 1, 100),
                color("serving.background", "#000000"),
                keys("serving.signingKeys"),
                optionalMillis("serving.restoreWaitMs"));
        Path assetsDir = path(base, "assets.dir", "assets");
        Optional<String> ingestToken = optional("assets.ingestToken");
        long maxUploadBytes = longValue("assets.maxUploadBytes", 32L << 20, 1, Long.MAX_VALUE);
        Optional<Path> demoDir = optional("assets.demoDir", "webapp/originals").map(base::resolve);
        int demoScale = scale("assets.demoScale", 2);
        IrisConfig.Store store = choice("assets.store", "dir", List.of("dir", "s3")).equals("s3")
                ? IrisConfig.Store.S3 : IrisConfig.Store.DIR;
        var assets = new IrisConfig.Assets(assetsDir, ingestToken, maxUploadBytes, demoDir, demoScale, store,
                s3(store),
                // A file stat per lookup costs next to nothing; a request to an object store does not.
                Duration.ofMillis(longValue("assets.metaStalenessMs", store == IrisConfig.Store.S3 ? 2_000 : 0, 0,
                        3_600_000L)),
                longValue("assets.restoredMaxBytes", 2L << 30, 0, Long.MAX_VALUE),
                choice("assets.lrCodec", "webp", List.of("webp", "png")));
        var models = new IrisConfig.Models(
                path(base, "models.dir", "models"),
                integer("models.threads", 0, 0, 1024),
                choice("models.provider", "cpu", List.of("cpu", "cuda")).equals("cuda"),
                integer("models.cudaDevice", 0, 0, 64),
                bool("models.lrOnlyFallback", false),
                optional("ort.library").map(base::resolve),
                optional("ort.cacheDir").map(base::resolve),
                integer("models.tileLr", 512, 64, 8192));
        var caches = new IrisConfig.Caches(
                longValue("cache.sourceMaxBytes", 512L << 20, 0, Long.MAX_VALUE),
                longValue("cache.encodedMaxBytes", 256L << 20, 0, Long.MAX_VALUE));
        var limits = new IrisConfig.Limits(
                Math.round(number("limits.maxSourceMegapixels", 50, 0.01, 1000) * 1_000_000),
                integer("limits.maxOutputDimension", 8192, 1, 65_535),
                integer("limits.modelThreads", 0, 0, 1024),
                integer("limits.queueLength", 32, 0, 100_000),
                millis("limits.requestTimeoutMs", 30_000),
                millis("limits.ingestTimeoutMs", 600_000),
                longValue("limits.modelMemoryBytes", 2L << 30, 64L << 20, Long.MAX_VALUE),
                intSet("limits.allowedWidths"),
                intSet("limits.allowedQualities"));
        var ingest = new IrisConfig.Ingest(integer("ingest.optimizeIterations", 10, 1, 200),
                integer("ingest.optimizeHrIterations", 0, 0, 200));
        for (String key : values.stringPropertyNames()) {
            if (!read.contains(key)) {
                problems.add(key + ": unknown key (see conf/iris.properties for the known ones)");
            }
        }
        if (!problems.isEmpty()) {
            throw new ConfigException(problems);
        }
        return new IrisConfig(server, serving, assets, models, caches, limits, ingest);
    }

    private IrisConfig.S3 s3(IrisConfig.Store store) {
        Optional<URI> endpoint = parsed("assets.s3.endpoint", Optional.empty(), "an http or https URL",
                v -> {
                    URI uri = URI.create(v);
                    if (!List.of("http", "https").contains(String.valueOf(uri.getScheme())) || uri.getHost() == null) {
                        throw new IllegalArgumentException();
                    }
                    return Optional.of(uri);
                });
        String bucket = string("assets.s3.bucket", "");
        if (store == IrisConfig.Store.S3 && !bucket.matches("[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]")) {
            problems.add("assets.s3.bucket: expected a bucket name (3-63 lower-case letters, digits, '.', '-') "
                    + "with assets.store=s3, got \"" + bucket + "\"");
        }
        String prefix = string("assets.s3.prefix", "");
        if (!prefix.matches("([A-Za-z0-9._-]+/)*")) {
            problems.add("assets.s3.prefix: expected empty or a path ending in '/' (letters, digits, '.', '_', "
                    + "'-'), got \"" + prefix + "\"");
            prefix = "";
        }
        return new IrisConfig.S3(endpoint, bucket, prefix,
                string("assets.s3.region", "us-east-1"),
                bool("assets.s3.pathStyle", false),
                bool("assets.s3.conditionalWrites", true),
                millis("assets.s3.timeoutMs", 5_000));
    }

    /**
     * Every key the loader reads, in reading order: the keys it accepts (any other is unknown) and the keys
     * {@code conf/iris.properties} must document, which ConfigLoaderTest checks against this set.
     */
    static Set<String> knownKeys() {
        ConfigLoader loader = new ConfigLoader();
        loader.build(Path.of(""));
        return Collections.unmodifiableSet(loader.read);
    }

    private String raw(String key) {
        read.add(key);
        String value = values.getProperty(key);
        return value == null ? null : value.strip();
    }

    private String string(String key, String fallback) {
        String value = raw(key);
        return value == null || value.isEmpty() ? fallback : value;
    }

    private Optional<String> optional(String key) {
        String value = raw(key);
        return value == null || value.isEmpty() ? Optional.empty() : Optional.of(value);
    }

    /** Like {@link #optional(String)}, but an absent key means {@code fallback} and an empty one means none. */
    private Optional<String> optional(String key, String fallback) {
        String value = raw(key);
        return value == null ? Optional.of(fallback) : value.isEmpty() ? Optional.empty() : Optional.of(value);
    }

    private Path path(Path base, String key, String fallback) {
        return base.resolve(string(key, fallback)).normalize();
    }

    private <T> T parsed(String key, T fallback, String expected, Function<String, T> parser) {
        String value = raw(key);
        if (value == null || value.isEmpty()) {
            return fallback;
        }
        try {
            return parser.apply(value);
        } catch (RuntimeException e) {
            problems.add(key + ": expected " + expected + ", got \"" + value + "\"");
            return fallback;
        }
    }

    private int integer(String key, int fallback, int min, int max) {
        return (int) longValue(key, fallback, min, max); // the bounds keep it within int
    }

    private long longValue(String key, long fallback, long min, long max) {
        return parsed(key, fallback, "an integer " + min + ".." + max, v -> {
            long n = Long.parseLong(v);
            if (n < min || n > max) {
                throw new IllegalArgumentException();
            }
            return n;
        });
    }

    /** An ingest scale: the models iris runs are x2 or x4 (ModelCard checks the same of each model). */
    private int scale(String key, int fallback) {
        return parsed(key, fallback, "2 or 4", v -> switch (v) {
            case "2" -> 2;
            case "4" -> 4;
            default -> throw new IllegalArgumentException();
        });
    }

    private double number(String key, double fallback, double min, double max) {
        return parsed(key, fallback, "a number " + min + ".." + max, v -> {
            double n = Double.parseDouble(v);
            if (!(n >= min && n <= max)) {
                throw new IllegalArgumentException();
            }
            return n;
        });
    }

    private Duration millis(String key, long fallback) {
        return Duration.ofMillis(longValue(key, fallback, 1, 86_400_000L));
    }

    /** A duration in milliseconds, 0 or more, or empty when the key is absent or empty. */
    private Optional<Duration> optionalMillis(String key) {
        return parsed(key, Optional.empty(), "empty or an integer 0..86400000", v -> {
            long n = Long.parseLong(v);
            if (n < 0 || n > 86_400_000L) {
                throw new IllegalArgumentException();
            }
            return Optional.of(Duration.ofMillis(n));
        });
    }

    private boolean bool(String key, boolean fallback) {
        return parsed(key, fallback, "true or false", v -> switch (v) {
            case "true" -> true;
            case "false" -> false;
            default -> throw new IllegalArgumentException();
        });
    }

    private String choice(String key, String fallback, List<String> choices) {
        return parsed(key, fallback, "one of " + String.join(", ", choices), v -> {
            if (!choices.contains(v)) {
                throw new IllegalArgumentException();
            }
            return v;
        });
    }

    private int color(String key, String fallback) {
        return parsed(key, parseColor(fallback), "a colour #rrggbb or #aarrggbb", ConfigLoader::parseColor);
    }

    private static int parseColor(String v) {
        if (!v.matches("#([0-9a-fA-F]{6}|[0-9a-fA-F]{8})")) {
            throw new IllegalArgumentException();
        }
        long n = Long.parseLong(v.substring(1), 16);
        return (int) (v.length() == 7 ? 0xFF000000L | n : n);
    }

    /** Comma-separated keys, each hex (at least 32 digits, i.e. 128 bits). */
    private List<byte[]> keys(String key) {
        return parsed(key, List.of(), "comma-separated hex keys of at least 32 hex digits", v -> {
            List<byte[]> keys = new ArrayList<>();
            for (String part : v.split(",")) {
                String hex = part.strip();
                if (!hex.matches("([0-9a-fA-F]{2}){16,}")) {
                    throw new IllegalArgumentException();
                }
                keys.add(java.util.HexFormat.of().parseHex(hex));
            }
            return List.copyOf(keys);
        });
    }

    private Set<Integer> intSet(String key) {
        return parsed(key, Set.of(), "a comma-separated list of positive integers", v -> {
            Set<Integer> set = new LinkedHashSet<>();
            for (String part : v.split(",")) {
                int n = Integer.parseInt(part.strip());
                if (n <= 0) {
                    throw new IllegalArgumentException();
                }
                set.add(n);
            }
            return Set.copyOf(set);
        });
    }

    private String prefix(String value) {
        if (!value.matches("/([A-Za-z0-9._-]+/)*")) {
            problems.add("serving.prefix: expected a path like /img/ (starting and ending with '/'), got \""
                    + value + "\"");
            return "/img/";
        }
        return value;
    }
}
