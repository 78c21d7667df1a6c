package dev.iris.asset;

import dev.iris.model.Scale;
import java.util.regex.Pattern;

/**
 * The LR an ingest asks for: a scale per axis ({@code --scale 2.5}, {@code ?scale=1.5,3}), or the LR's width, its
 * height following the original's aspect ({@code --lr-width 1280}, {@code ?lrWidth=1280}). The one place that
 * says how they are typed and which values exist.
 */
public sealed interface LrTarget {
    /** Scales per axis, each in [{@value Scale#MIN}, {@value Scale#MAX}]. */
    record Factors(Scale scale) implements LrTarget {
        public Factors {
            if (!scale.within(Scale.MIN, Scale.MAX)) {
                throw new IngestException("scale must lie in [" + Scale.MIN + ", " + (int) Scale.MAX
                        + "] on each axis, got " + scale);
            }
        }
    }

    /** The LR's width in pixels. */
    record Width(int lrWidth) implements LrTarget {
        public Width {
            if (lrWidth < 1) {
                throw new IngestException("lrWidth must be a positive number of pixels, got " + lrWidth);
            }
        }

        /** The uniform scale this width means for an original {@code width} wide. */
        Scale scaleFor(int width) {
            double s = (double) width / lrWidth;
            if (s < Scale.MIN || s > Scale.MAX) {
                throw new IngestException("an LR " + lrWidth + " wide means a scale of " + Math.round(s * 1000) / 1000.0
                        + " for an image " + width + " wide, outside [" + Scale.MIN + ", " + (int) Scale.MAX + "]");
            }
            return Scale.uniform(s);
        }
    }

    /** A plain decimal: no sign, exponent, NaN or Infinity. */
    Pattern DECIMAL = Pattern.compile("\\d{1,6}(\\.\\d{1,9})?");
    Pattern WHOLE = Pattern.compile("\\d{1,9}");

    /**
     * The target a request names by a scale or an LR width (at most one of them; x2 when neither).
     *
     * @throws IngestException with a one-line reason
     */
    static LrTarget parse(java.util.Optional<String> scale, java.util.Optional<String> lrWidth) {
        if (scale.isPresent() && lrWidth.isPresent()) {
            throw new IngestException("give a scale or an LR width, not both");
        }
        return lrWidth.<LrTarget>map(LrTarget::parseLrWidth).orElseGet(() -> parseScale(scale.orElse("2")));
    }

    /**
     * "2.5" (both axes) or "1.5,3" (horizontal, vertical).
     *
     * @throws IngestException with a one-line reason quoting {@code text}
     */
    static Factors parseScale(String text) {
        String[] parts = text.split(",", -1);
        if (parts.length > 2 || !DECIMAL.matcher(parts[0]).matches()
                || (parts.length == 2 && !DECIMAL.matcher(parts[1]).matches())) {
            throw new IngestException("expected a scale like 2, 2.5 or 1.5,3 (horizontal, vertical), got "
                    + IngestException.quoted(text));
        }
        double x = Double.parseDouble(parts[0]);
        double y = parts.length == 2 ? Double.parseDouble(parts[1]) : x;
        if (x == 0 || y == 0) {
            throw new IngestException("scale must lie in [" + Scale.MIN + ", " + (int) Scale.MAX
                    + "] on each axis, got " + text); // digits only, by the pattern
        }
        return new Factors(new Scale(x, y));
    }

    /** A positive whole number of pixels. */
    static Width parseLrWidth(String text) {
        if (!WHOLE.matcher(text).matches()) {
            throw new IngestException("expected a whole number of pixels for lrWidth, got "
                    + IngestException.quoted(text));
        }
        return new Width(Integer.parseInt(text));
    }
}
