package dev.iris.ort;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import java.lang.foreign.Arena;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;

class ConcurrencyTest {
    @Test
    void eightThreads_runningOneSession_getIdenticalResults() throws Exception {
        float[] x = SessionTest.random(3 * 64 * 48, 7);
        try (Session session = OrtRuntime.get().open(TestModels.bytes("conv.onnx"), SessionOptions.defaults());
                ExecutorService pool = Executors.newFixedThreadPool(8)) {
            float[] expected = runOnce(session, x);
            List<Future<List<float[]>>> futures = new ArrayList<>();
            for (int t = 0; t < 8; t++) {
                futures.add(pool.submit(() -> {
                    List<float[]> results = new ArrayList<>();
                    for (int i = 0; i < 50; i++) {
                        results.add(runOnce(session, x));
                    }
                    return results;
                }));
            }
            for (Future<List<float[]>> future : futures) {
                for (float[] result : future.get()) {
                    assertArrayEquals(expected, result);
                }
            }
        }
    }

    private static float[] runOnce(Session session, float[] x) {
        try (Arena arena = Arena.ofConfined();
                RunResult result = session.run(Map.of("x", FloatTensor.copyOf(arena, x, 1, 3, 64, 48)))) {
            return result.first().toArray();
        }
    }
}
