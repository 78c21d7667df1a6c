package dev.iris.asset;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.iris.image.Rgb8Image;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The composed store (PNG codec over the directory blob store), on real files. */
class BlobAssetStoreTest {
    /**
     * A store written by FileAssetStore before codecs were recorded (commit fc80e09): {@code cat} is
     * {@code random(7, 5, 1)} with alpha {@code plane(7, 5, 2)}, {@code dog} the same pixels opaque, both as
     * {@code draft(name, 13, 10)}.
     */
    private static final String OLD_STORE = "/fixtures/asset-store-v0/";
    private static final List<String> OLD_FILES = List.of("cat.2f09bd1df822ae85.alpha.png",
            "cat.2f09bd1df822ae85.lr.png", "cat.json", "dog.89a8fe3a3730a9b1.lr.png", "dog.json");

    @TempDir
    Path dir;

    @Test
    void put_thenFindAndRead_roundTripsPixelsAlphaAndMetadata() {
        AssetStore store = AssetStore.inDirectory(dir);
        Rgb8Image lr = random(7, 5, 1).withAlpha(plane(7, 5, 2));
        AssetMeta stored = store.put(draft("cat", 13, 10), lr);
        assertEquals(16, stored.version().length());
        assertEquals("png", stored.codec());
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
        AssetStore store = AssetStore.inDirectory(dir);
        AssetMeta first = store.put(draft("cat", 13, 10), random(7, 5, 1).withAlpha(plane(7, 5, 2)));
        AssetMeta second = store.put(draft("cat", 13, 10), random(7, 5, 2));
        assertNotEquals(first.version(), second.version());
        assertEquals(second, store.find(new AssetName("cat")).orElseThrow());
        assertEquals(List.of("cat." + second.version() + ".lr.png", "cat.json"), files());
        assertThrows(AssetException.class, () -> store.read(first)); // the old version is gone, and says so
    }

    @Test
    void put_whenAPayloadCannotBeWritten_removesWhatItWroteAndKeepsTheOldVersion() throws IOException {
        AssetStore store = AssetStore.inDirectory(dir);
        AssetMeta first = store.put(draft("cat", 13, 10), random(7, 5, 1));
        Rgb8Image next = random(7, 5, 4).withAlpha(plane(7, 5, 5));
        String nextVersion = AssetStore.inDirectory(dir.resolve("scratch")).put(draft("cat", 13, 10), next).version();
        // A non-empty directory where the new alpha plane belongs: its write fails after the LR's has succeeded,
        // the state a crash between the two writes leaves, except that here the put can clean up.
        Files.createDirectories(dir.resolve("cat." + nextVersion + ".alpha.png").resolve("blocker"));
        assertThrows(AssetException.class, () -> store.put(draft("cat", 13, 10), next));
        assertEquals(Stream.of("cat." + first.version() + ".lr.png", "cat." + nextVersion + ".alpha.png", "cat.json",
                "scratch").sorted().toList(), files()); // the blocker stays; the new LR went again
        assertEquals(first, AssetStore.inDirectory(dir).find(new AssetName("cat")).orElseThrow());
        assertArrayEquals(random(7, 5, 1).rgb(), store.read(first).lr().rgb());
    }

    @Test
    void put_whenTheMetadataIsUnreadable_failsAndWritesNothing() throws IOException {
        AssetStore store = AssetStore.inDirectory(dir);
        AssetMeta first = store.put(draft("cat", 13, 10), random(7, 5, 1));
        // A directory in the metadata's place: neither readable nor replaceable, whoever we are.
        Files.delete(dir.resolve("cat.json"));
        Files.createDirectories(dir.resolve("cat.json").resolve("blocker"));
        assertThrows(AssetException.class, () -> store.put(draft("cat", 13, 10), random(7, 5, 4)));
        assertEquals(List.of("cat." + first.version() + ".lr.png", "cat.json"), files());
    }

    @Test
    void put_concurrentlyForOneName_leavesOneCompleteVersionAndNoOrphans() throws Exception {
        AssetStore store = AssetStore.inDirectory(dir);
        ExecutorService pool = Executors.newFixedThreadPool(4);
        List<AssetMeta> stored = new ArrayList<>();
        try {
            List<Callable<AssetMeta>> puts = new ArrayList<>();
            for (int i = 0; i < 12; i++) {
                Rgb8Image lr = random(7, 5, i).withAlpha(i % 2 == 0 ? plane(7, 5, i) : null);
                puts.add(() -> store.put(draft("cat", 13, 10), lr));
            }
            for (Future<AssetMeta> put : pool.invokeAll(puts)) {
                stored.add(put.get());
            }
        } finally {
            pool.shutdown();
        }
        AssetMeta current = store.find(new AssetName("cat")).orElseThrow();
        assertTrue(stored.contains(current));
        store.read(current);
        List<String> expected = new ArrayList<>(List.of("cat." + current.version() + ".lr.png", "cat.json"));
        if (current.hasAlpha()) {
            expected.addFirst("cat." + current.version() + ".alpha.png");
        }
        assertEquals(expected, files());
    }

    @Test
    void find_noticesAChangeMadeByAnotherProcess() throws IOException {
        AssetStore store = AssetStore.inDirectory(dir);
        AssetMeta first = store.put(draft("cat", 13, 10), random(7, 5, 1));
        assertEquals(first, store.find(new AssetName("cat")).orElseThrow()); // now cached
        AssetStore other = AssetStore.inDirectory(dir); // another node or process sharing the directory
        AssetMeta second = other.put(draft("cat", 13, 10), random(7, 5, 2));
        assertEquals(second.version(), store.find(new AssetName("cat")).orElseThrow().version());
        assertNotEquals(first.version(), second.version());
        Files.setLastModifiedTime(dir.resolve("cat.json"), FileTime.from(Instant.now().plusSeconds(5)));
        assertEquals(second, store.find(new AssetName("cat")).orElseThrow());
        Files.delete(dir.resolve("cat.json"));
        assertTrue(store.find(new AssetName("cat")).isEmpty());
    }

    @Test
    void aStoreWrittenBeforeCodecs_readsAsPng_andRewritesTheSameBytes() throws IOException {
        for (String file : OLD_FILES) {
            try (InputStream in = BlobAssetStoreTest.class.getResourceAsStream(OLD_STORE + file)) {
                Files.copy(in, dir.resolve(file));
            }
        }
        AssetStore store = AssetStore.inDirectory(dir);
        AssetMeta cat = store.find(new AssetName("cat")).orElseThrow();
        assertEquals("png", cat.codec());
        assertEquals("2f09bd1df822ae85", cat.version());
        assertArrayEquals(plane(7, 5, 2), store.read(cat).lr().alpha());
        assertArrayEquals(random(7, 5, 1).rgb(), store.read(cat).lr().rgb());
        assertEquals(List.of("cat", "dog"), store.list().stream().map(AssetMeta::name).toList());

        AssetStore fresh = AssetStore.inDirectory(dir.resolve("fresh"));
        assertEquals(cat.version(), fresh.put(draft("cat", 13, 10), random(7, 5, 1).withAlpha(plane(7, 5, 2)))
                .version());
        assertEquals("89a8fe3a3730a9b1", fresh.put(draft("dog", 13, 10), random(7, 5, 1)).version());
        for (String payload : OLD_FILES.stream().filter(f -> f.endsWith(".png")).toList()) {
            assertArrayEquals(Files.readAllBytes(dir.resolve(payload)), Files.readAllBytes(dir.resolve("fresh")
                    .resolve(payload)), payload);
        }
    }

    @Test
    void read_ofAVersionInACodecThisIrisDoesNotKnow_saysSo() {
        AssetStore store = AssetStore.inDirectory(dir);
        AssetMeta stored = store.put(draft("cat", 13, 10), random(7, 5, 1));
        AssetMeta future = new AssetMeta("cat", stored.version(), "jxl", 13, 10, 7, 5, 2, "model", "abc123",
                "def456", false, stored.created(), 40.5);
        AssetException e = assertThrows(AssetException.class, () -> store.read(future));
        assertEquals("asset cat version " + stored.version() + " is stored with codec \"jxl\", which this iris "
                + "cannot read", e.getMessage());
    }

    /** The store's files, less its lock directory. */
    private List<String> files() throws IOException {
        try (Stream<Path> files = Files.list(dir)) {
            return files.map(p -> p.getFileName().toString()).filter(f -> !f.equals(".locks")).sorted().toList();
        }
    }

    static AssetMeta draft(String name, int width, int height) {
        return new AssetMeta(name, "", "", width, height, 0, 0, 2, "model", "abc123", "def456", false,
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
