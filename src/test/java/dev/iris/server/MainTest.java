package dev.iris.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The command line: bad models or configuration stop with one clear line and a non-zero status. */
class MainTest {
    @Test
    void serve_withCorruptModel_namesTheFileAndExits2(@TempDir Path tmp) throws Exception {
        Path pack = Files.createDirectories(tmp.resolve("models/broken"));
        Files.writeString(pack.resolve("model.json"), "{\"id\":\"broken\",\"scale\":2,\"onnx\":{\"down\":{\"sha256\":\"ab\"},"
                + "\"up\":{\"sha256\":\"cd\"}}}");
        Files.writeString(pack.resolve("down.onnx"), "not a model");
        String err = stderrOf(() -> assertEquals(2, Main.run(new String[] {"serve",
                "--models.dir=" + tmp.resolve("models"), "--assets.dir=" + tmp.resolve("assets"),
                "--server.port=0"})));
        assertTrue(err.startsWith("iris: " + pack.resolve("down.onnx") + ": sha256 is "), err);
        assertEquals(1, err.lines().count(), err);
    }

    @Test
    void serve_withMissingModelDirectory_saysWhichAndExits2(@TempDir Path tmp) throws Exception {
        String err = stderrOf(() -> assertEquals(2, Main.run(new String[] {"serve",
                "--models.dir=" + tmp.resolve("none"), "--assets.dir=" + tmp.resolve("assets")})));
        assertTrue(err.contains(tmp.resolve("none").toString()), err);
    }

    @Test
    void unknownConfigKey_isReportedAndExits2() throws Exception {
        String err = stderrOf(() -> assertEquals(2, Main.run(new String[] {"serve", "--server.prot=9000"})));
        assertEquals("iris: server.prot: unknown key (see conf/iris.properties for the known ones)\n", err);
    }

    @Test
    void ingest_badFiles_areReportedOneByOne_andTheGoodOneLands(@TempDir Path tmp) throws Exception {
        Path in = Files.createDirectories(tmp.resolve("in"));
        Files.write(in.resolve("good.png"), MainTest.class.getResourceAsStream("/fixtures/ladybird.png").readAllBytes());
        Files.writeString(in.resolve("bad.jpg"), "hello");
        String err = stderrOf(() -> assertEquals(1, Main.run(new String[] {"ingest", in.toString(), "--scale", "2",
                "--assets.dir=" + tmp.resolve("assets")})));
        assertEquals(in.resolve("bad.jpg") + ": not an image iris can read (expected JPEG, PNG or WebP)\n", err);
        assertTrue(Files.isRegularFile(tmp.resolve("assets/good.json")));
    }

    @Test
    void ingest_badScaleOrWidth_exits2BeforeStarting(@TempDir Path tmp) throws Exception {
        String err = stderrOf(() -> assertEquals(2, Main.run(new String[] {"ingest", tmp.toString(), "--scale", "4.5",
                "--assets.dir=" + tmp.resolve("assets")})));
        assertEquals("iris: --scale: scale must lie in [1.1, 4] on each axis, got 4.5\n", err);
        err = stderrOf(() -> assertEquals(2, Main.run(new String[] {"ingest", tmp.toString(), "--lr-width", "wide",
                "--assets.dir=" + tmp.resolve("assets")})));
        assertEquals("iris: --lr-width: expected a whole number of pixels for lrWidth, got \"wide\"\n", err);
    }

    @Test
    void ingest_atAFractionalScale_printsBothAxes(@TempDir Path tmp) throws Exception {
        Path photo = Files.copy(Path.of("src/test/resources/fixtures/photo.png"), tmp.resolve("photo.png"));
        PrintStream original = System.out;
        var out = new java.io.ByteArrayOutputStream();
        System.setOut(new PrintStream(out, true, java.nio.charset.StandardCharsets.UTF_8));
        try {
            assertEquals(0, Main.run(new String[] {"ingest", photo.toString(), "--scale", "1.5,3",
                "--assets.dir=" + tmp.resolve("assets"), "--assets.demoDir="}));
        } finally {
            System.setOut(original);
        }
        String line = out.toString(java.nio.charset.StandardCharsets.UTF_8);
        assertTrue(line.contains("-> photo (256x192, LR 171x64, x1.497076,3 iarn-small-2"), line);
    }

    @Test
    void serve_demoScale3_isAConfigurationError(@TempDir Path tmp) throws Exception {
        // Before, 3 passed the loader's range check and the start failed later, ingesting the demo images.
        String err = stderrOf(() -> assertEquals(2, Main.run(new String[] {"serve", "--assets.demoScale=3",
                "--assets.dir=" + tmp.resolve("assets")})));
        assertEquals("iris: assets.demoScale: expected 2 or 4, got \"3\"\n", err);
    }

    private static String stderrOf(Runnable action) {
        PrintStream original = System.err;
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        System.setErr(new PrintStream(captured, true));
        try {
            action.run();
        } finally {
            System.setErr(original);
        }
        return captured.toString();
    }
}
