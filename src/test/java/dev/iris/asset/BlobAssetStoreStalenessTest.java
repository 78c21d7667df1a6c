package dev.iris.asset;

import static dev.iris.asset.BlobAssetStoreTest.draft;
import static dev.iris.asset.BlobAssetStoreTest.random;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Metadata answered from memory for a bounded time: another process's (node's) commit is seen once the staleness
 * has passed and not before; this store's own puts at once. The clock is injected, so nothing sleeps.
 */
class BlobAssetStoreStalenessTest {
    private static final Duration STALENESS = Duration.ofSeconds(2);
    private static final AssetName CAT = new AssetName("cat");

    @TempDir
    Path dir;
    private final AtomicLong now = new AtomicLong(1_000_000_000L);

    private AssetStore node() {
        return new BlobAssetStore(BlobStore.directory(dir), LrCodec.png(), STALENESS, now::get);
    }

    @Test
    void find_withinTheStaleness_answersFromMemory_thenSeesAnotherNodesCommit() {
        AssetStore here = node();
        AssetStore elsewhere = AssetStore.inDirectory(dir);
        AssetMeta v1 = elsewhere.put(draft("cat", 13, 10), random(7, 5, 1));
        assertEquals(Optional.of(v1), here.find(CAT));
        AssetMeta v2 = elsewhere.put(draft("cat", 13, 10), random(7, 5, 2));
        now.addAndGet(STALENESS.toNanos() - 1);
        assertEquals(Optional.of(v1), here.find(CAT), "asked the store before the staleness had passed");
        now.addAndGet(1);
        assertEquals(Optional.of(v2), here.find(CAT));
    }

    @Test
    void find_ofAnAbsentName_isRememberedForTheStalenessToo() {
        AssetStore here = node();
        assertTrue(here.find(CAT).isEmpty());
        AssetMeta v1 = AssetStore.inDirectory(dir).put(draft("cat", 13, 10), random(7, 5, 1));
        assertTrue(here.find(CAT).isEmpty());
        now.addAndGet(STALENESS.toNanos());
        assertEquals(Optional.of(v1), here.find(CAT));
    }

    @Test
    void put_isSeenAtOnceByTheStoreThatMadeIt() {
        AssetStore here = node();
        AssetMeta v1 = here.put(draft("cat", 13, 10), random(7, 5, 1));
        assertEquals(Optional.of(v1), here.find(CAT));
        AssetMeta v2 = here.put(draft("cat", 13, 10), random(7, 5, 2));
        assertEquals(Optional.of(v2), here.find(CAT));
    }
}
