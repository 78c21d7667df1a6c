package dev.iris.image;

import java.util.Locale;
import java.util.Optional;

/** Output formats. */
public enum ImageFormat {
    PNG("image/png", "png"), JPEG("image/jpeg", "jpg"), WEBP("image/webp", "webp");

    private final String mediaType;
    private final String extension;

    ImageFormat(String mediaType, String extension) {
        this.mediaType = mediaType;
        this.extension = extension;
    }

    public String mediaType() {
        return mediaType;
    }

    public String extension() {
        return extension;
    }

    /** The format for a file extension or {@code fm} value: png, jpg, jpeg, webp (case-insensitive). */
    public static Optional<ImageFormat> parse(String word) {
        return switch (word.toLowerCase(Locale.ROOT)) {
            case "png" -> Optional.of(PNG);
            case "jpg", "jpeg" -> Optional.of(JPEG);
            case "webp" -> Optional.of(WEBP);
            default -> Optional.empty();
        };
    }
}
