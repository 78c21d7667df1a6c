package dev.iris.ort;

/** ORT's {@code ONNXTensorElementDataType}; the ordinal is the C value. */
public enum ElementType {
    UNDEFINED, FLOAT, UINT8, INT8, UINT16, INT16, INT32, INT64, STRING, BOOL, FLOAT16, DOUBLE, UINT32, UINT64,
    COMPLEX64, COMPLEX128, BFLOAT16, FLOAT8E4M3FN, FLOAT8E4M3FNUZ, FLOAT8E5M2, FLOAT8E5M2FNUZ, UINT4, INT4,
    FLOAT4E2M1, UINT2, INT2, FLOAT8E8M0;

    static ElementType of(int code) {
        return code >= 0 && code < values().length ? values()[code] : UNDEFINED;
    }
}
