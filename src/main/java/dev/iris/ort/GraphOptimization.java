package dev.iris.ort;

/** ORT's {@code GraphOptimizationLevel}. */
public enum GraphOptimization {
    DISABLED(0), BASIC(1), EXTENDED(2), LAYOUT(3), ALL(99);

    final int code;

    GraphOptimization(int code) {
        this.code = code;
    }
}
