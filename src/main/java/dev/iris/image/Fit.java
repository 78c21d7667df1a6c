package dev.iris.image;

import java.util.Locale;
import java.util.Optional;

/** How an image fills a requested box, with the meanings sharp and CSS {@code object-fit} give these words. */
public enum Fit {
    /** Keep the aspect ratio, fill the whole box, crop what overflows (centred). Output: exactly the box. */
    COVER,
    /** Keep the aspect ratio, fit inside the box, pad the rest (centred) with the background. Output: the box. */
    CONTAIN,
    /** Stretch to the box, ignoring the aspect ratio. Output: exactly the box. */
    FILL,
    /** Keep the aspect ratio, as large as possible within the box. Output: within the box, no crop or pad. */
    INSIDE,
    /** Keep the aspect ratio, as small as possible while covering the box. Output: covers the box, no crop. */
    OUTSIDE;

    /** The fit named {@code word} (case-insensitive), if any. */
    public static Optional<Fit> parse(String word) {
        for (Fit fit : values()) {
            if (fit.name().equalsIgnoreCase(word)) {
                return Optional.of(fit);
            }
        }
        return Optional.empty();
    }

    /** The lower-case word used in URLs. */
    public String word() {
        return name().toLowerCase(Locale.ROOT);
    }
}
