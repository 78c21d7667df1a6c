package dev.iris.asset;

import static dev.iris.asset.BlobAssetStoreTest.draft;
import static dev.iris.asset.BlobAssetStoreTest.plane;
import static dev.iris.asset.BlobAssetStoreTest.random;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;

import dev.iris.image.Rgb8Image;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The composed store with lossless WebP, on real files: byte counts in the metadata, and {@link AssetStore#recode}
 * of versions an older iris stored as PNG (what {@code iris migrate} does per asset).
 */
class BlobAssetStoreWebpTest {
    private static final AssetName CAT = new AssetName("cat");

    @TempDir
    Path dir;

    private AssetStore png() {
        return AssetStore.of(BlobStore.directory(dir), LrCodec.png());
    }

    private AssetStore webp() {
        return AssetStore.of(BlobStore.directory(dir), LrCodec.webp());
    }

    @Test
    void put_storesWebp_andCountsEveryByteItStored_andTheUploadsSize() throws IOException {
        AssetMeta draft = withSource(draft("cat", 130, 100), 4321);
        Rgb8Image lr = random(65, 50, 1).withAlpha(plane(65, 50, 2));
        AssetMeta stored = webp().put(draft, lr);
        assertEquals("webp", stored.codec());
        assertEquals(List.of("cat." + stored.version() + ".alpha.webp", "cat." + stored.version() + ".lr.webp",
                "cat.json"), files());
        assertEquals(OptionalLong.of(diskBytes()), stored.storedBytes());
        assertEquals(OptionalLong.of(4321), stored.sourceBytes());
        assertEquals(stored, webp().find(CAT).orElseThrow());
        StoredAsset read = webp().read(stored);
        assertArrayEquals(lr.rgb(), read.lr().rgb());
        assertArrayEquals(lr.alpha(), read.lr().alpha());
    }

    @Test
    void recode_ofAPngVersion_keepsPixelsAndVersion_storesWebp_andDeletesThePngsAfter() throws IOException {
        Rgb8Image lr = random(65, 50, 1).withAlpha(plane(65, 50, 2));
        AssetMeta before = png().put(withSource(draft("cat", 130, 100), 999), lr);
        long pngBytes = diskBytes();
        Recoding.Recoded recoded = assertInstanceOf(Recoding.Recoded.class, webp().recode(CAT));
        AssetMeta after = recoded.after();
        assertEquals(before.version(), after.version());
        assertEquals("webp", after.codec());
        assertEquals(OptionalLong.of(999), after.sourceBytes());
        assertEquals(pngBytes, recoded.bytesBefore());
        assertEquals(diskBytes(), recoded.bytesAfter());
        assertEquals(OptionalLong.of(diskBytes()), after.storedBytes());
        assertEquals(List.of("cat." + before.version() + ".alpha.webp", "cat." + before.version() + ".lr.webp",
                "cat.json"), files());
        // Any store reads it, whatever codec it writes: each version is read with the codec its metadata names.
        StoredAsset read = png().read(png().find(CAT).orElseThrow());
        assertEquals(after, read.meta());
        assertArrayEquals(lr.rgb(), read.lr().rgb());
        assertArrayEquals(lr.alpha(), read.lr().alpha());
    }

    @Test
    void recode_again_saysAlreadyEncoded_andWritesNothing() throws IOException {
        png().put(draft("cat", 130, 100), random(65, 50, 1));
        webp().recode(CAT);
        Map<String, FileTime> times = times();
        Recoding again = webp().recode(CAT);
        assertEquals(new Recoding.AlreadyEncoded(webp().find(CAT).orElseThrow(), diskBytes()), again);
        assertEquals(times, times());
    }

    @Test
    void read_ofTheEncodingARecodeJustReplaced_readsTheSamePixelsInTheNewOne() {
        Rgb8Image lr = random(65, 50, 3);
        AssetStore server = png();
        AssetMeta found = server.put(draft("cat", 130, 100), lr); // what a request found just before the migrate
        webp().recode(CAT);
        StoredAsset read = server.read(found);
        assertEquals("webp", read.meta().codec());
        assertArrayEquals(lr.rgb(), read.lr().rgb());
    }

    @Test
    void recode_overWhatADeadMigrateLeft_replacesIt() throws IOException {
        AssetMeta before = png().put(draft("cat", 130, 100), random(65, 50, 4));
        Files.writeString(dir.resolve("cat." + before.version() + ".lr.webp"), "half a file from a crash");
        assertInstanceOf(Recoding.Recoded.class, webp().recode(CAT));
        assertArrayEquals(random(65, 50, 4).rgb(), webp().read(webp().find(CAT).orElseThrow()).lr().rgb());
    }

    /**
     * A re-ingest (a put) and a migrate (a recode) of one PNG asset started together, many times over: whichever
     * commits first, the put's version is what remains, whole, with nothing else left behind. A recode that
     * committed over the put's version would lose the upload; one that deleted the put's payloads would break it.
     */
    @Test
    void recode_racingAPut_neverLosesThePut() throws Exception {
        Map<String, Integer> outcomes = new LinkedHashMap<>();
        ExecutorService pool = Executors.newFixedThreadPool(2);
        try {
            for (int round = 0; round < 24; round++) {
                png().put(draft("cat", 512, 512), random(256, 256, round));
                Rgb8Image upload = random(256, 256, 1000 + round);
                AssetStore server = webp(), migrate = webp();
                CountDownLatch start = new CountDownLatch(1);
                Future<AssetMeta> put = pool.submit(() -> {
                    start.await();
                    return server.put(draft("cat", 512, 512), upload);
                });
                long delayMs = round % 4; // vary who goes first
                Future<Recoding> recode = pool.submit(() -> {
                    start.await();
                    Thread.sleep(delayMs);
                    return migrate.recode(CAT);
                });
                start.countDown();
                AssetMeta putMeta = put.get();
                outcomes.merge(recode.get().getClass().getSimpleName(), 1, Integer::sum);

                AssetMeta current = webp().find(CAT).orElseThrow();
                assertEquals(putMeta, current, "round " + round);
                assertArrayEquals(upload.rgb(), webp().read(current).lr().rgb(), "round " + round);
                assertEquals(List.of("cat." + putMeta.version() + ".lr.webp", "cat.json"), files(), "round " + round);
            }
        } finally {
            pool.shutdown();
        }
        System.out.println("recode outcomes racing a put: " + outcomes);
    }

    private static AssetMeta withSource(AssetMeta d, long sourceBytes) {
        return new AssetMeta(d.name(), d.version(), d.codec(), d.width(), d.height(), d.lrWidth(), d.lrHeight(),
                d.scale(), d.modelId(), d.modelSha256(), d.sourceSha256(), d.hasAlpha(), d.created(),
                d.roundTripPsnrY(), OptionalLong.empty(), OptionalLong.of(sourceBytes));
    }

    /** The store's files, less its lock directory. */
    private List<String> files() throws IOException {
        try (Stream<Path> files = Files.list(dir)) {
            return files.map(p -> p.getFileName().toString()).filter(f -> !f.equals(".locks")).sorted().toList();
        }
    }

    private long diskBytes() throws IOException {
        long total = 0;
        for (String file : files()) {
            total += Files.size(dir.resolve(file));
        }
        return total;
    }

    private Map<String, FileTime> times() throws IOException {
        Map<String, FileTime> times = new LinkedHashMap<>();
        for (String file : files()) {
            times.put(file, Files.getLastModifiedTime(dir.resolve(file)));
        }
        return times;
    }
}
