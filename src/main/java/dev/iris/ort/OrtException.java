package dev.iris.ort;

/**
 * A failure reported by ONNX Runtime (a non-null {@code OrtStatus}) or found while talking to it.
 * The message is ORT's own text, so tests and logs can quote it.
 */
public final class OrtException extends RuntimeException {
    private static final long serialVersionUID = 1L;
    private final OrtErrorCode code;

    public OrtException(OrtErrorCode code, String message) {
        super(code + ": " + message);
        this.code = code;
    }

    /** The error code ORT gave, {@link OrtErrorCode#FAIL} for failures found on the Java side. */
    public OrtErrorCode code() {
        return code;
    }
}
