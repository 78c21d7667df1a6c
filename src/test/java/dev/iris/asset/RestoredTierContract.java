package dev.iris.asset;

import static dev.iris.asset.BlobAssetStoreTest.plane;
import static dev.iris.asset.BlobAssetStoreTest.random;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.iris.image.Rgb8Image;
import java.time.Instant;
import java.util.List;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * What every restored tier promises, run against each place it can live (a directory, an S3 bucket) by a subclass
 * that says how to open one over this test's storage. "Another node" is a second tier over the same storage.
 */
abstract class RestoredTierContract {
    private final List<RestoredTier> opened = new java.util.ArrayList<>();

    /** A new tier of at most {@code maxBytes} over this test's storage. */
    abstract RestoredTier open(long maxBytes);

    /** The storage's objects, to damage one. */
    abstract TierObjects objects();

    RestoredTier tier(long maxBytes) {
        RestoredTier tier = open(maxBytes);
        opened.add(tier);
        return tier;
    }

    @AfterEach
    void closeTiers() {
        opened.forEach(RestoredTier::close);
    }

    @Test
    @Timeout(60)
    void offer_isFoundByAnotherNode_pixelForPixel() throws Exception {
        AssetMeta meta = meta("cat", "0123456789abcdef", "AA11", 16, 12, true);
        Rgb8Image restored = random(16, 12, 1).withAlpha(plane(16, 12, 2));
        RestoredTier here = tier(1 << 20);
        assertTrue(here.find(meta).isEmpty());
        here.offer(meta, restored);
        awaitStats(here, s -> s.stored() == 1);
        Rgb8Image found = tier(1 << 20).find(meta).orElseThrow();
        assertArrayEquals(restored.rgb(), found.rgb());
        assertArrayEquals(restored.alpha(), found.alpha());
    }

    @Test
    @Timeout(60)
    void find_isKeyedByVersionAndNetwork() throws Exception {
        RestoredTier tier = tier(1 << 20);
        tier.offer(meta("cat", "0123456789abcdef", "aa11", 8, 8, false), random(8, 8, 1));
        awaitStats(tier, s -> s.stored() == 1);
        assertTrue(tier.find(meta("cat", "fedcba9876543210", "aa11", 8, 8, false)).isEmpty(), "another version");
        assertTrue(tier.find(meta("cat", "0123456789abcdef", "bb22", 8, 8, false)).isEmpty(), "another network");
        assertTrue(tier.find(meta("dog", "0123456789abcdef", "aa11", 8, 8, false)).isEmpty(), "another name");
        assertEquals(3, tier.stats().misses());
    }

    @Test
    @Timeout(60)
    void offers_beyondTheBudget_evictTheOldestWritten() throws Exception {
        byte[] one = RestoredCodec.encode(random(32, 32, 0));
        RestoredTier tier = tier(one.length * 2L + one.length / 2); // room for two
        for (int i = 0; i < 4; i++) {
            tier.offer(meta("img" + i, "0123456789abcdef", "aa11", 32, 32, false), random(32, 32, i));
            int stored = i + 1;
            awaitStats(tier, s -> s.stored() == stored);
            Thread.sleep(1100); // write times an object store keeps to the second
        }
        awaitStats(tier, s -> s.evicted() == 2);
        assertTrue(tier.find(meta("img0", "0123456789abcdef", "aa11", 32, 32, false)).isEmpty());
        assertTrue(tier.find(meta("img1", "0123456789abcdef", "aa11", 32, 32, false)).isEmpty());
        assertTrue(tier.find(meta("img3", "0123456789abcdef", "aa11", 32, 32, false)).isPresent());
        assertTrue(tier.stats().bytes() <= tier.stats().maxBytes(), tier.stats().toString());
        assertEquals(2, objects().list().size());
    }

    @Test
    @Timeout(60)
    void find_ofADamagedObject_missesAndDeletesIt() throws Exception {
        AssetMeta meta = meta("cat", "0123456789abcdef", "aa11", 8, 8, false);
        RestoredTier tier = tier(1 << 20);
        tier.offer(meta, random(8, 8, 1));
        awaitStats(tier, s -> s.stored() == 1);
        String key = objects().list().getFirst().key();
        byte[] bytes = objects().open(key).orElseThrow().readAllBytes();
        objects().put(key, java.util.Arrays.copyOf(bytes, bytes.length - 3));
        assertTrue(tier.find(meta).isEmpty());
        assertEquals(1, tier.stats().readFailures());
        assertEquals(List.of(), objects().list());
    }

    static AssetMeta meta(String name, String version, String sha, int w, int h, boolean alpha) {
        return new AssetMeta(name, version, "png", w, h, (w + 1) / 2, (h + 1) / 2, 2, "m", sha, "src", alpha,
                Instant.EPOCH, 30);
    }

    static void awaitStats(RestoredTier tier, Predicate<RestoredTier.Stats> done) throws InterruptedException {
        long deadline = System.nanoTime() + 30_000_000_000L;
        while (!done.test(tier.stats())) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("tier never got there: " + tier.stats());
            }
            Thread.sleep(20);
        }
    }

}
