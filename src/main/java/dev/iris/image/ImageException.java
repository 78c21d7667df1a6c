package dev.iris.image;

/**
 * Input that is not a usable image: not an image at all, truncated, corrupt, too large, or of a kind iris cannot
 * read. The message is one lower-case line fit to show the user (it quotes no file path).
 */
public final class ImageException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    private final boolean unsupportedFormat;

    public ImageException(String message) {
        this(message, null, false);
    }

    public ImageException(String message, Throwable cause) {
        this(message, cause, false);
    }

    private ImageException(String message, Throwable cause, boolean unsupportedFormat) {
        super(message, cause);
        this.unsupportedFormat = unsupportedFormat;
    }

    /** A file in a format this server does not read (as opposed to a damaged file in one it does). */
    public static ImageException unsupportedFormat(String message) {
        return new ImageException(message, null, true);
    }

    /** Whether the format is the problem (HTTP 415) rather than the data (400). */
    public boolean isUnsupportedFormat() {
        return unsupportedFormat;
    }
}
