package dev.iris.ort;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.foreign.Arena;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class RunControlTest {
    private static final OrtRuntime ORT = OrtRuntime.get();
    private static Session slow;
    private static ScheduledExecutorService timer;

    @BeforeAll
    static void open() {
        slow = ORT.open(TestModels.bytes("slow.onnx"), SessionOptions.defaults());
        timer = Executors.newSingleThreadScheduledExecutor();
    }

    @AfterAll
    static void close() {
        slow.close();
        timer.shutdownNow();
    }

    @Test
    void cancel_fromAnotherThread_endsALongRunWithin200ms() throws Exception {
        try (Arena arena = Arena.ofConfined(); RunControl control = ORT.newRunControl()) {
            FloatTensor x = FloatTensor.allocate(arena, 1, 16, 512, 512); // about 2.5 s of convolutions on 2 cores
            long[] cancelledAt = new long[1];
            timer.schedule(() -> {
                cancelledAt[0] = System.nanoTime();
                control.cancel();
            }, 300, TimeUnit.MILLISECONDS);
            long start = System.nanoTime();
            var e = assertThrows(OrtException.class, () -> slow.run(Map.of("x", x), control).close());
            long end = System.nanoTime();
            assertTrue(control.isCancelled());
            assertTrue(e.getMessage().contains("terminate"), e.getMessage());
            long afterCancelMs = TimeUnit.NANOSECONDS.toMillis(end - cancelledAt[0]);
            assertTrue(afterCancelMs < 200, "run ended " + afterCancelMs + " ms after cancel (started "
                    + TimeUnit.NANOSECONDS.toMillis(cancelledAt[0] - start) + " ms in)");
        }
    }

    @Test
    void cancel_beforeRun_failsAtOnce_andAFreshControlRunsNormally() {
        try (Arena arena = Arena.ofConfined()) {
            FloatTensor x = FloatTensor.allocate(arena, 1, 16, 8, 8);
            try (RunControl control = ORT.newRunControl()) {
                control.cancel();
                var e = assertThrows(OrtException.class, () -> slow.run(Map.of("x", x), control).close());
                assertEquals(OrtErrorCode.FAIL, e.code());
            }
            try (RunControl fresh = ORT.newRunControl(); RunResult result = slow.run(Map.of("x", x), fresh)) {
                assertEquals(16 * 8 * 8, result.first().elementCount());
            }
        }
    }

    @Test
    void cancel_afterClose_doesNothing() {
        RunControl control = ORT.newRunControl();
        control.close();
        control.cancel();
        assertTrue(control.isCancelled());
        assertThrows(IllegalStateException.class, control::handle);
    }
}
