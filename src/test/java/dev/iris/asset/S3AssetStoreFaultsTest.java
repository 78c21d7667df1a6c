package dev.iris.asset;

import static dev.iris.asset.BlobAssetStoreTest.draft;
import static dev.iris.asset.BlobAssetStoreTest.random;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.iris.config.IrisConfig;
import dev.iris.image.Rgb8Image;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The asset store on S3 while its server is stopped, frozen, and back: names looked up before keep their answer,
 * anything else is {@link AssetUnavailable} within the call time limit, a put leaves the previous version, and the
 * store recovers by itself. A real S3Proxy of its own, stopped and restarted for real.
 */
class S3AssetStoreFaultsTest {
    private static final Duration TIMEOUT = Duration.ofSeconds(1);
    private static final AssetName CAT = new AssetName("cat");

    @TempDir
    static Path dir;
    private static S3ProxyProcess server;

    @BeforeAll
    static void startServer() {
        server = S3ProxyProcess.start(dir);
    }

    @AfterEach
    void leaveItRunning() {
        server.ensureRunning();
    }

    @AfterAll
    static void stopServer() {
        server.close();
    }

    @Test
    @Timeout(120)
    void storeStopped_knownNamesKeepTheirAnswer_othersAndPutsAreUnavailable_andItRecovers() {
        try (S3Bucket bucket = S3Bucket.open(server.config("stopped/", TIMEOUT))) {
            AssetStore store = AssetStore.of(bucket.blobs(), LrCodec.png(), Duration.ZERO);
            AssetMeta v1 = store.put(draft("cat", 13, 10), random(7, 5, 1));
            store.put(draft("dog", 13, 10), random(7, 5, 2));
            assertEquals(Optional.of(v1), store.find(CAT));

            server.stop();
            assertEquals(Optional.of(v1), within(TIMEOUT.multipliedBy(3), () -> store.find(CAT)), "stale if error");
            AssetUnavailable unknown = assertThrows(AssetUnavailable.class, () -> store.find(new AssetName("dog")));
            assertEquals("the asset store is not answering: cannot read asset dog; try again shortly",
                    unknown.getMessage());
            assertTrue(unknown.retryAfter().toMillis() > 0);
            Rgb8Image next = random(7, 5, 3);
            AssetUnavailable put = assertThrows(AssetUnavailable.class, () -> store.put(draft("cat", 13, 10), next));
            assertFalse(put.getMessage().contains("127.0.0.1"), "the public message names no endpoint");

            server.restart();
            AssetMeta found = awaitRecovery(() -> store.find(new AssetName("dog"))).orElseThrow();
            assertEquals("dog", found.name());
            assertEquals(Optional.of(v1), store.find(CAT), "the failed put left nothing visible");
            assertArrayEquals(random(7, 5, 1).rgb(), store.read(v1).lr().rgb());
            AssetMeta v2 = store.put(draft("cat", 13, 10), next);
            assertEquals(Optional.of(v2), store.find(CAT));
        }
    }

    @Test
    @Timeout(120)
    void storeFrozen_lookupsFailWithinTheTimeLimit_notHang_andItRecovers() {
        try (S3Bucket bucket = S3Bucket.open(server.config("frozen/", TIMEOUT))) {
            AssetStore store = AssetStore.of(bucket.blobs(), LrCodec.png(), Duration.ZERO);
            AssetMeta v1 = store.put(draft("cat", 13, 10), random(7, 5, 1));
            store.find(CAT);
            server.pause();
            try {
                assertEquals(Optional.of(v1), within(TIMEOUT.multipliedBy(3), () -> store.find(CAT)));
                long start = System.nanoTime();
                assertThrows(AssetUnavailable.class, () -> store.find(new AssetName("never-seen")));
                Duration took = Duration.ofNanos(System.nanoTime() - start);
                assertTrue(took.compareTo(TIMEOUT.multipliedBy(3)) < 0, "waited " + took);
            } finally {
                server.resume();
            }
            assertEquals(v1, awaitRecovery(() -> store.put(draft("cat", 13, 10), random(7, 5, 1))),
                    "same pixels, same version");
        }
    }

    @Test
    @Timeout(120)
    void withoutConditionalWrites_everyVersionStaysReadable() {
        IrisConfig.S3 c = server.config("plain/", TIMEOUT);
        try (S3Bucket bucket = S3Bucket.open(new IrisConfig.S3(c.endpoint(), c.bucket(), c.prefix(), c.region(),
                true, false, c.timeout()))) {
            AssetStore store = AssetStore.of(bucket.blobs(), LrCodec.png(), Duration.ZERO);
            AssetMeta v1 = store.put(draft("cat", 13, 10), random(7, 5, 1));
            AssetMeta v2 = store.put(draft("cat", 13, 10), random(7, 5, 2));
            assertEquals(Optional.of(v2), store.find(CAT));
            // A reader that found v1 just before v2 landed still reads it whole: nothing was deleted under it.
            assertArrayEquals(random(7, 5, 1).rgb(), store.read(v1).lr().rgb());
        }
    }

    /** {@code call}'s answer, failing if it took longer than {@code limit}. */
    private static <T> T within(Duration limit, Supplier<T> call) {
        long start = System.nanoTime();
        T result = call.get();
        Duration took = Duration.ofNanos(System.nanoTime() - start);
        assertTrue(took.compareTo(limit) < 0, "took " + took);
        return result;
    }

    /** Retries {@code call} while the store is still unavailable (the client backs off for one time limit). */
    private static <T> T awaitRecovery(Supplier<T> call) {
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (true) {
            try {
                return call.get();
            } catch (AssetUnavailable e) {
                if (System.nanoTime() > deadline) {
                    throw e;
                }
                sleep(100);
            }
        }
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
