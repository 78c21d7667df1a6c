package dev.iris.web;

import dev.iris.render.ImageRequest;
import dev.iris.asset.AssetName;
import dev.iris.config.IrisConfig;
import dev.iris.image.Fit;
import dev.iris.image.ImageFormat;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * Parses {@code {name}.{ext}?w=&h=&fit=&dpr=&q=&fm=&v=&s=} into an {@link ImageRequest} or a {@link Problem}, with the
 * meanings sharp and weserv give these keys. Unknown and repeated keys are rejected, so junk variants cannot
 * flood the caches ({@code s}, the URL signature, is checked by {@link UrlSignatures}). Every message has one shape: {@code expected <what> for <key>, got "<value>"}. Thread-safe.
 */
public final class RequestParser {
    /** Every query key, in canonical order. */
    static final List<String> KEYS = List.of("w", "h", "fit", "dpr", "q", "fm", "v", "s");
    private static final double MAX_DPR = 4;

    private final IrisConfig.Serving serving;
    private final IrisConfig.Limits limits;

    public RequestParser(IrisConfig.Serving serving, IrisConfig.Limits limits) {
        this.serving = serving;
        this.limits = limits;
    }

    /**
     * @param path  the path after the prefix, already percent-decoded by the container
     * @param query every query parameter with all its values
     */
    public ParseResult parse(String path, Map<String, String[]> query) {
        int dot = path.lastIndexOf('.');
        if (dot <= 0) {
            return new ParseResult.NotOurs();
        }
        Optional<AssetName> name = AssetName.parse(path.substring(0, dot));
        Optional<ImageFormat> extension = ImageFormat.parse(path.substring(dot + 1));
        if (name.isEmpty() || extension.isEmpty()) {
            return new ParseResult.NotOurs();
        }
        try {
            return new ParseResult.Parsed(parseQuery(name.get(), extension.get(), query));
        } catch (BadParameter e) {
            return new ParseResult.Rejected(name.get(), Problem.badRequest(e.getMessage()));
        }
    }

    private ImageRequest parseQuery(AssetName name, ImageFormat extension, Map<String, String[]> query) {
        for (Map.Entry<String, String[]> entry : query.entrySet()) {
            if (!KEYS.contains(entry.getKey())) {
                throw new BadParameter("unknown parameter " + quote(entry.getKey()) + "; known: "
                        + String.join(", ", KEYS));
            }
            if (entry.getValue().length != 1) {
                throw new BadParameter("expected one value for " + entry.getKey() + ", got "
                        + entry.getValue().length);
            }
        }
        int max = limits.maxOutputDimension();
        int w = integer(query, "w", 1, max, 0);
        int h = integer(query, "h", 1, max, 0);
        Fit fit = value(query, "fit").map(v -> Fit.parse(v).orElseThrow(() -> expected(
                Arrays.stream(Fit.values()).map(Fit::word).collect(Collectors.joining("|")), "fit", v)))
                .orElse(Fit.COVER);
        double dpr = number(query, "dpr", 1, MAX_DPR);
        int quality = integer(query, "q", 1, 100, serving.defaultQuality());
        Optional<ImageFormat> fm = value(query, "fm").map(v -> ImageFormat.parse(v).orElseThrow(
                () -> expected("png|jpeg|jpg|webp", "fm", v)));
        Optional<String> version = value(query, "v").map(v -> {
            if (!v.matches("[0-9a-f]{1,64}")) {
                throw expected("hex version", "v", v);
            }
            return v;
        });
        int width = scaled(w, dpr, "w");
        int height = scaled(h, dpr, "h");
        if (!limits.allowedWidths().isEmpty() && width != 0 && !limits.allowedWidths().contains(width)) {
            throw new BadParameter("width " + width + " is not allowed; allowed: " + sorted(limits.allowedWidths()));
        }
        if (!limits.allowedQualities().isEmpty() && query.containsKey("q")
                && !limits.allowedQualities().contains(quality)) {
            throw new BadParameter("quality " + quality + " is not allowed; allowed: "
                    + sorted(limits.allowedQualities()));
        }
        return new ImageRequest(name, width, height, fit, quality, fm.orElse(extension), fm.isPresent(), version);
    }

    private int scaled(int size, double dpr, String key) {
        if (size == 0) {
            return 0;
        }
        long scaled = Math.round(size * dpr);
        if (scaled > limits.maxOutputDimension()) {
            throw new BadParameter("expected " + key + " x dpr at most " + limits.maxOutputDimension() + ", got "
                    + scaled);
        }
        return (int) scaled;
    }

    private static Optional<String> value(Map<String, String[]> query, String key) {
        String[] values = query.get(key);
        return values == null ? Optional.empty() : Optional.of(values[0]);
    }

    private static int integer(Map<String, String[]> query, String key, int min, int max, int fallback) {
        Optional<String> value = value(query, key);
        if (value.isEmpty()) {
            return fallback;
        }
        String v = value.get();
        if (!v.matches("\\d{1,9}")) {
            throw expected("integer " + min + ".." + max, key, v);
        }
        int n = Integer.parseInt(v);
        if (n < min || n > max) {
            throw expected("integer " + min + ".." + max, key, v);
        }
        return n;
    }

    private static double number(Map<String, String[]> query, String key, double min, double max) {
        Optional<String> value = value(query, key);
        if (value.isEmpty()) {
            return 1;
        }
        String v = value.get();
        if (!v.matches("\\d{1,3}(\\.\\d{1,3})?")) {
            throw expected("number 1..4", key, v);
        }
        double n = Double.parseDouble(v);
        if (n < min || n > max) {
            throw expected("number 1..4", key, v);
        }
        return n;
    }

    private static BadParameter expected(String what, String key, String got) {
        return new BadParameter("expected " + what + " for " + key + ", got " + quote(got));
    }

    /** Quotes user input for a message: at most 64 characters, control characters escaped. */
    static String quote(String value) {
        String shown = value.length() > 64 ? value.substring(0, 64) + "…" : value;
        StringBuilder out = new StringBuilder("\"");
        shown.codePoints().forEach(c -> {
            if (c < 0x20 || c == 0x7F || c == '"' || c == '\\') {
                out.append(String.format("\\u%04x", c));
            } else {
                out.appendCodePoint(c);
            }
        });
        return out.append('"').toString();
    }

    private static String sorted(java.util.Set<Integer> values) {
        return values.stream().sorted().map(String::valueOf).collect(Collectors.joining(","));
    }

    /** A parameter problem; becomes a {@link Problem}, never escapes the parser. */
    private static final class BadParameter extends RuntimeException {
        private static final long serialVersionUID = 1L;

        BadParameter(String message) {
            super(message, null, false, false);
        }
    }
}
