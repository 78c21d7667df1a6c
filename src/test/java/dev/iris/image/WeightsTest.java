package dev.iris.image;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class WeightsTest {

    @ParameterizedTest
    @EnumSource(Filter.class)
    void of_anyScale_rowsSumToOneWithinSource(Filter filter) {
        int[][] cases = {{100, 37}, {37, 100}, {7, 1}, {1, 9}, {1600, 800}, {10, 10}, {3, 1000}};
        for (int[] c : cases) {
            Weights w = Weights.of(c[0], c[1], filter);
            for (int i = 0; i < c[1]; i++) {
                double sum = 0;
                for (int k = 0; k < w.count[i]; k++) {
                    sum += w.weights[i * w.stride + k];
                }
                assertEquals(1.0, sum, 1e-5, filter + " " + c[0] + "->" + c[1] + " at " + i);
                assertTrue(w.first[i] >= 0 && w.first[i] + w.count[i] <= c[0]);
            }
        }
    }

    @Test
    void of_shrinking_widensKernel() {
        // Lanczos3 at 1/4 scale covers about 24 source pixels, antialiasing like PIL and imresize.
        Weights w = Weights.of(400, 100, Filter.LANCZOS3);
        assertTrue(w.count[50] >= 23, "taps " + w.count[50]);
        assertTrue(Weights.of(100, 400, Filter.LANCZOS3).count[200] <= 7);
    }

    @Test
    void kernel_keysAndLanczos_knownValues() {
        assertEquals(1.0, Weights.kernel(Filter.BICUBIC, 0), 1e-12);
        assertEquals(0.0, Weights.kernel(Filter.BICUBIC, 1), 1e-12);
        assertEquals(0.5625, Weights.kernel(Filter.BICUBIC, 0.5), 1e-12);   // (1.5 * 0.125 - 2.5 * 0.25 + 1)
        assertEquals(-0.0625, Weights.kernel(Filter.BICUBIC, 1.5), 1e-12);  // a = -0.5
        assertEquals(0.0, Weights.kernel(Filter.BICUBIC, 2.5), 1e-12);
        assertEquals(1.0, Weights.kernel(Filter.LANCZOS3, 0), 1e-12);
        assertEquals(0.0, Weights.kernel(Filter.LANCZOS3, 2), 1e-12);
        double x = 0.5;
        double expected = Math.sin(Math.PI * x) / (Math.PI * x) * Math.sin(Math.PI * x / 3) / (Math.PI * x / 3);
        assertEquals(expected, Weights.kernel(Filter.LANCZOS3, x), 1e-12);
        assertEquals(0.0, Weights.kernel(Filter.LANCZOS3, 3.2), 1e-12);
    }
}
