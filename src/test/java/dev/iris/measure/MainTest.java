package dev.iris.measure;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import org.junit.jupiter.api.Test;

/** The measurement command line: usage, and bad arguments stopping before anything loads. */
class MainTest {
    @Test
    void help_listsEveryMeasurementCommand() throws Exception {
        String out = captured(false, () -> assertEquals(0, Main.run(new String[] {"help"})));
        for (String command : new String[] {"eval <dir>", "bench [", "loadtest [", "bench-ort [", "webp-effort <image>"}) {
            assertTrue(out.contains("  " + command), out);
        }
    }

    @Test
    void helpAfterACommand_printsUsageInsteadOfRunningIt() throws Exception {
        String out = captured(false, () -> assertEquals(0, Main.run(new String[] {"bench", "--help"})));
        assertTrue(out.startsWith("usage: iris <measurement>"), out);
    }

    @Test
    void bench_badSeconds_exits2() throws Exception {
        String err = captured(true, () -> assertEquals(2, Main.run(new String[] {"bench", "--seconds", "0"})));
        assertEquals("iris: bench needs --seconds 0.1..999 and --runs 1..999, got 0 and 5\n", err);
    }

    @Test
    void eval_badScale_exits2() throws Exception {
        String err = captured(true, () -> assertEquals(2, Main.run(new String[] {"eval", "models/eval", "--scale=3"})));
        assertEquals("iris: --scale: this measures the fixed-scale models: expected 2 or 4, got 3\n", err);
    }

    @Test
    void unknownCommand_exits2() throws Exception {
        String err = captured(true, () -> assertEquals(2, Main.run(new String[] {"serve"})));
        assertTrue(err.startsWith("iris: unknown measurement command serve\n"), err);
    }

    private interface Action {
        void run() throws Exception;
    }

    private static String captured(boolean stderr, Action action) throws Exception {
        PrintStream original = stderr ? System.err : System.out;
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        PrintStream capture = new PrintStream(bytes, true);
        if (stderr) {
            System.setErr(capture);
        } else {
            System.setOut(capture);
        }
        try {
            action.run();
        } finally {
            if (stderr) {
                System.setErr(original);
            } else {
                System.setOut(original);
            }
        }
        return bytes.toString();
    }
}
