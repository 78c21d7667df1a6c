package dev.iris.ort;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import org.junit.jupiter.api.Test;

class FloatTensorTest {
    @Test
    void of_heapSegment_isRejected() {
        var e = assertThrows(IllegalArgumentException.class,
                () -> FloatTensor.of(MemorySegment.ofArray(new float[4]), 4));
        assertEquals("tensor data must be native memory, got a heap segment", e.getMessage());
    }

    @Test
    void of_sizeNotMatchingShape_isRejected() {
        try (Arena arena = Arena.ofConfined()) {
            var e = assertThrows(IllegalArgumentException.class, () -> FloatTensor.of(arena.allocate(12), 2, 2));
            assertEquals("tensor of shape [2, 2] needs 16 bytes, got 12", e.getMessage());
        }
    }

    @Test
    void copyOf_roundTripsValues() {
        try (Arena arena = Arena.ofConfined()) {
            float[] values = {1, 2, 3, 4, 5, 6};
            FloatTensor tensor = FloatTensor.copyOf(arena, values, 1, 2, 3);
            assertArrayEquals(values, tensor.toArray());
            assertEquals(6, tensor.elementCount());
        }
    }
}
