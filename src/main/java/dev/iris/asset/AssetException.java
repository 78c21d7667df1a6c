package dev.iris.asset;

/** A store that cannot read or write an asset; the message is one line and names the asset. */
public sealed class AssetException extends RuntimeException permits AssetUnavailable {
    private static final long serialVersionUID = 1L;

    public AssetException(String message, Throwable cause) {
        super(message, cause);
    }

    public AssetException(String message) {
        super(message);
    }
}
