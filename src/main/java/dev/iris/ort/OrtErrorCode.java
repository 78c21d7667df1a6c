package dev.iris.ort;

/** ORT's {@code OrtErrorCode}, in the header's order (the ordinal is the C value). */
public enum OrtErrorCode {
    OK, FAIL, INVALID_ARGUMENT, NO_SUCHFILE, NO_MODEL, ENGINE_ERROR, RUNTIME_EXCEPTION, INVALID_PROTOBUF,
    MODEL_LOADED, NOT_IMPLEMENTED, INVALID_GRAPH, EP_FAIL, MODEL_LOAD_CANCELED, MODEL_REQUIRES_COMPILATION,
    NOT_FOUND,
    /** A code newer than this enum; the message still says what happened. */
    UNKNOWN;

    static OrtErrorCode of(int code) {
        return code >= 0 && code < UNKNOWN.ordinal() ? values()[code] : UNKNOWN;
    }
}
