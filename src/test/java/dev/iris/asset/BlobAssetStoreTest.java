package dev.iris.asset;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.iris.image.Rgb8Image;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FileAssetStoreTest {
    @TempDir
    Path dir;

    @Test
    void put_thenFindAndRead_roundTripsPixelsAlphaAndMetadata() {
        FileAssetStore store = new FileAssetStore(dir);
        Rgb8Image lr = random(7, 5, 1).withAlpha(plane(7, 5, 2));
        AssetMeta stored = store.put(draft("cat", 13, 10), lr);
        assertEquals(16, stored.version().length());
        assertEquals(7, stored.lrWidth());
        AssetMeta found = store.find(new AssetName("cat")).orElseThrow();
        assertEquals(stored, found);
        StoredAsset read = store.read(found);
        assertArrayEquals(lr.rgb(), read.lr().rgb());
        assertArrayEquals(lr.alpha(), read.lr().alpha());
        assertEquals(List.of(found), store.list());
    }

    @Test
    void put_newVersion_replacesAtomically_andRemovesTheOldFiles() throws IOException {
        FileAssetStore store = new FileAssetStore(dir);
        AssetMeta first = store.put(draft("cat", 13, 10), random(7, 5, 1));
        AssetMeta second = store.put(draft("cat", 13, 10), random(7, 5, 2));
        assertNotEquals(first.version(), second.version());
        assertEquals(second, store.find(new AssetName("cat")).orElseThrow());
        assertEquals(List.of("cat." + second.version() + ".lr.png", "cat.json"), files());
        assertThrows(AssetException.class, () -> store.read(first)); // the old version is gone, and says so
    }

    @Test
    void put_whenTheMetadataCannotBeWritten_removesTheNewPixelsAndKeepsTheOld() throws IOException {
        FileAssetStore store = new FileAssetStore(dir);
        AssetMeta first = store.put(draft("cat", 13, 10), random(7, 5, 1));
        // A directory where the metadata's temporary file would be renamed to makes the commit fail, whoever we are.
        Files.delete(dir.resolve("cat.json"));
        Files.createDirectories(dir.resolve("cat.json").resolve("blocker"));
        assertThrows(AssetException.class, () -> store.put(draft("cat", 13, 10), random(7, 5, 4)));
        assertEquals(List.of("cat." + first.version() + ".lr.png", "cat.json"), files());
    }

    @Test
    void find_noticesAChangeMadeByAnotherProcess() throws IOException {
        FileAssetStore store = new FileAssetStore(dir);
        AssetMeta first = store.put(draft("cat", 13, 10), random(7, 5, 1));
        FileAssetStore other = new FileAssetStore(dir); // another node or process sharing the directory
        AssetMeta second = other.put(draft("cat", 13, 10), random(7, 5, 2));
        Files.setLastModifiedTime(dir.resolve("cat.json"), FileTime.from(Instant.now().plusSeconds(5)));
        assertEquals(second.version(), store.find(new AssetName("cat")).orElseThrow().version());
        assertNotEquals(first.version(), second.version());
        Files.delete(dir.resolve("cat.json"));
        assertTrue(store.find(new AssetName("cat")).isEmpty());
    }

    @Test
    void assetName_rejectsTraversalAndSeparators() {
        for (String bad : List.of("..", "../x", "a/b", "a\\b", ".hidden", "", "a..b", "x\u0000y", "%2e%2e")) {
            assertTrue(AssetName.parse(bad).isEmpty(), bad);
        }
        assertEquals("photo", AssetName.fromFileName("photo.jpg").value());
        assertEquals("my.photo", AssetName.fromFileName("my.photo.png").value());
    }

    private List<String> files() throws IOException {
        try (Stream<Path> files = Files.list(dir)) {
            return files.map(p -> p.getFileName().toString()).sorted().toList();
        }
    }

    static AssetMeta draft(String name, int width, int height) {
        return new AssetMeta(name, "", width, height, 0, 0, 2, "model", "abc123", "def456", false,
                Instant.parse("2026-11-23T12:00:00Z"), 40.5);
    }

    static Rgb8Image random(int w, int h, long seed) {
        byte[] rgb = new byte[3 * w * h];
        new Random(seed).nextBytes(rgb);
        return Rgb8Image.opaque(w, h, rgb);
    }

    static byte[] plane(int w, int h, long seed) {
        byte[] alpha = new byte[w * h];
        new Random(seed).nextBytes(alpha);
        return alpha;
    }
}
