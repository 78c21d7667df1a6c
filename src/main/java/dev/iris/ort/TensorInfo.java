package dev.iris.ort;

import java.util.List;

/**
 * The name, element type and shape of a model input or output, as the model declares it.
 *
 * @param shape one entry per dimension; {@code -1} marks a dynamic (symbolic) dimension
 */
public record TensorInfo(String name, ElementType type, List<Long> shape) {
    public TensorInfo {
        shape = List.copyOf(shape);
    }

    /** Number of dimensions. */
    public int rank() {
        return shape.size();
    }
}
