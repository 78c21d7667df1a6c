package dev.iris.asset;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.iris.image.Rgb8Image;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The command line and the server ingesting into one directory at once: two processes putting one name many times
 * over leave one complete version, readable, with no payload of another left behind and none missing.
 */
class CrossProcessPutTest {
    private static final int PUTS = 40;

    /** The other process: {@code PUTS} puts of "cat" into the directory given, contents seeded from the second. */
    public static final class Writer {
        public static void main(String[] args) {
            AssetStore store = AssetStore.inDirectory(Path.of(args[0]));
            long seed = Long.parseLong(args[1]);
            for (int i = 0; i < PUTS; i++) {
                store.put(BlobAssetStoreTest.draft("cat", 13, 10), BlobAssetStoreTest.random(7, 5, seed + i));
            }
        }
    }

    @Test
    void twoProcessesPuttingOneName_leaveOneWholeVersion(@TempDir Path dir) throws Exception {
        for (int round = 0; round < 3; round++) {
            Process other = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                    "-cp", System.getProperty("java.class.path"), Writer.class.getName(), dir.toString(),
                    Long.toString(1000 * (round + 1))).inheritIO().start();
            Writer.main(new String[] {dir.toString(), Long.toString(-1000 * (round + 1))});
            assertTrue(other.waitFor(120, TimeUnit.SECONDS), "the other writer did not finish");
            assertEquals(0, other.exitValue(), "the other writer failed");

            AssetStore store = AssetStore.inDirectory(dir);
            AssetMeta current = store.find(new AssetName("cat")).orElseThrow();
            store.read(current); // every payload it names is there and decodes
            List<String> files = new ArrayList<>();
            try (Stream<Path> listing = Files.list(dir)) {
                listing.map(p -> p.getFileName().toString()).filter(f -> !f.equals(".locks")).sorted()
                        .forEach(files::add);
            }
            assertEquals(List.of("cat." + current.version() + ".lr.png", "cat.json"), files);
        }
    }
}
