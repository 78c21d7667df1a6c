package dev.iris.asset;

import static dev.iris.asset.BlobStoreContract.text;
import static dev.iris.asset.BlobStoreContract.utf8;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.iris.config.IrisConfig;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The blob-store contract against a real S3-compatible server (S3Proxy 4.1.0 in its own process), each test under
 * a prefix of its own; "another process" is another {@link S3Bucket} with its own client. Then what only the S3
 * store has: locks that hold off other instances, a dead holder's lock broken after its lease.
 */
class S3BlobStoreTest extends BlobStoreContract {
    private static final AtomicInteger TESTS = new AtomicInteger();
    private final List<S3Bucket> opened = new ArrayList<>();
    private String prefix;

    @BeforeEach
    void newPrefix() {
        prefix = "contract-" + TESTS.incrementAndGet() + "-" + System.nanoTime() + "/";
    }

    @AfterEach
    void closeBuckets() {
        opened.forEach(S3Bucket::close);
    }

    @Override
    BlobStore open() {
        return bucket(Duration.ofSeconds(60)).blobs();
    }

    private S3Bucket bucket(Duration lease) {
        S3Bucket bucket = S3Bucket.open(S3ProxyProcess.shared().config(prefix, Duration.ofSeconds(10)), lease);
        opened.add(bucket);
        return bucket;
    }

    @Test
    @Timeout(60)
    void lock_holdsOffAnotherInstance_untilReleased() throws Exception {
        BlobStore a = open();
        BlobStore b = open();
        BlobStore.NameLock held = a.lock("cat");
        CompletableFuture<Void> waiting = CompletableFuture.runAsync(() -> {
            try (BlobStore.NameLock mine = b.lock("cat")) {
                // got it
            } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        });
        Thread.sleep(1000);
        assertFalse(waiting.isDone(), "the second instance took a lock the first holds");
        b.lock("dog").close(); // other names are not held
        held.close();
        waiting.get(20, TimeUnit.SECONDS);
    }

    @Test
    @Timeout(60)
    void lock_ofAWriterThatDied_isBrokenOnceItsLeaseRunsOut() throws Exception {
        Duration lease = Duration.ofSeconds(2);
        bucket(lease).blobs().lock("cat"); // never released: the writer died holding it
        long start = System.nanoTime();
        bucket(lease).blobs().lock("cat").close();
        Duration waited = Duration.ofNanos(System.nanoTime() - start);
        assertTrue(waited.compareTo(lease) >= 0, "broke a live lease after " + waited);
    }

    @Test
    void lock_isReentrant_soACommitUnderAPutsLockTakesNoSecondLock() throws Exception {
        BlobStore store = open();
        try (BlobStore.NameLock put = store.lock("cat")) {
            assertTrue(store.commitMeta("cat", utf8("v1"), Optional.empty()));
        }
        assertEquals("v1", text(open().readMeta("cat").orElseThrow().bytes()));
    }

    @Test
    void conditionalWrite_refusedBeforeItsBodyIsRead_isALoss_notAnOutage() throws IOException {
        // S3Proxy answers 412 as soon as it has the headers and closes the connection under a body still being
        // sent; the JDK's client then reports a failed write. The object's token must settle it as a refusal.
        try (S3Objects objects = new S3Objects(S3ProxyProcess.shared().config(prefix, Duration.ofSeconds(10)))) {
            objects.put("big", utf8("small"), "first");
            byte[] big = new byte[8 << 20];
            assertFalse(objects.putIfAbsent("big", big, "second"));
            assertFalse(objects.putIfMatch("big", big, "third", "\"0123456789abcdef0123456789abcdef\""));
            assertEquals(Optional.of("first"), objects.head("big").orElseThrow().token());
            String etag = objects.head("big").orElseThrow().etag();
            assertTrue(objects.putIfMatch("big", big, "fourth", etag));
            assertEquals(Optional.of("fourth"), objects.head("big").orElseThrow().token());
        }
    }

    @Test
    void verify_acceptsTheBucket_andRefusesOneThatDoesNotExist() {
        bucket(Duration.ofSeconds(60)).verify(); // S3Proxy 4.1.0 refuses a second If-None-Match: * write
        IrisConfig.S3 good = S3ProxyProcess.shared().config(prefix, Duration.ofSeconds(10));
        IrisConfig.S3 missing = new IrisConfig.S3(good.endpoint(), "no-such-bucket", "", good.region(), true, true,
                good.timeout());
        try (S3Bucket bucket = S3Bucket.open(missing)) {
            AssetException e = assertThrows(AssetException.class, bucket::verify);
            assertTrue(e.getMessage().contains("answered 404 NoSuchBucket"), e.getMessage());
            assertFalse(e.getMessage().contains(S3ProxyProcess.CREDENTIAL), e.getMessage());
        }
    }

    @Test
    void withoutConditionalWrites_locksAreLocal_andNothingMayBeDeleted() throws Exception {
        IrisConfig.S3 c = S3ProxyProcess.shared().config(prefix, Duration.ofSeconds(10));
        try (S3Bucket plain = S3Bucket.open(new IrisConfig.S3(c.endpoint(), c.bucket(), c.prefix(), c.region(), true,
                false, c.timeout()))) {
            BlobStore store = plain.blobs();
            assertFalse(store.locksAcrossProcesses());
            assertTrue(store.commitMeta("cat", utf8("v1"), Optional.empty()));
            assertFalse(store.commitMeta("cat", utf8("v2"), Optional.empty()), "still compares what it can see");
        }
    }
}
