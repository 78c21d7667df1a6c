package dev.iris.image;

/**
 * Input that is not a usable image: not an image at all, truncated, corrupt, too large, or of a kind iris cannot
 * read. The message is one lower-case line fit to show the user (it quotes no file path).
 */
public final class ImageException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public ImageException(String message) {
        super(message);
    }

    public ImageException(String message, Throwable cause) {
        super(message, cause);
    }
}
