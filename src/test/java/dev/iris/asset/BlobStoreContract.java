package dev.iris.asset;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * What every {@link BlobStore} promises, run against each implementation by a subclass that says how to open one.
 * "Another process" is a second instance over the same storage; "a crash" is a writer that stops before its
 * commit (its payloads written, no metadata), after which a fresh instance looks.
 */
abstract class BlobStoreContract {
    /** A new instance over this test's storage: every call sees the same blobs, as separate processes would. */
    abstract BlobStore open();

    @Test
    void commitMeta_thenReadMeta_returnsTheBytesWithTheCurrentStamp() throws IOException {
        BlobStore store = open();
        assertTrue(store.commitMeta("cat", utf8("v1"), Optional.empty()));
        BlobStore.Stamped read = store.readMeta("cat").orElseThrow();
        assertEquals("v1", text(read.bytes()));
        assertEquals(store.metaStamp("cat"), Optional.of(read.stamp()));
        assertEquals("v1", text(open().readMeta("cat").orElseThrow().bytes()));
    }

    @Test
    void readMeta_ofANameNeverCommitted_isEmpty() throws IOException {
        BlobStore store = open();
        assertTrue(store.readMeta("cat").isEmpty());
        assertTrue(store.metaStamp("cat").isEmpty());
        assertEquals(List.of(), store.names());
    }

    @Test
    void writePayload_withoutACommit_leavesNothingVisible() throws IOException {
        BlobStore store = open();
        store.commitMeta("cat", utf8("v1"), Optional.empty());
        BlobStore.Stamp before = store.metaStamp("cat").orElseThrow();
        BlobStore crashed = open(); // writes the next version's payloads, then dies before its commit
        crashed.writePayload("cat.v2.lr.png", utf8("pixels"));
        crashed.writePayload("dog.v1.lr.png", utf8("pixels"));
        BlobStore restarted = open();
        assertEquals("v1", text(restarted.readMeta("cat").orElseThrow().bytes()));
        assertEquals(Optional.of(before), restarted.metaStamp("cat"));
        assertTrue(restarted.readMeta("dog").isEmpty());
        assertEquals(List.of("cat"), restarted.names());
    }

    @Test
    void writePayload_isWrittenOnce_andReadableUntilDeleted() throws IOException {
        BlobStore store = open();
        assertTrue(store.writePayload("cat.v1.lr.png", utf8("pixels")));
        assertFalse(store.writePayload("cat.v1.lr.png", utf8("pixels")), "a key names its content");
        assertEquals("pixels", text(open().readPayload("cat.v1.lr.png").orElseThrow()));
        store.deletePayload("cat.v1.lr.png");
        store.deletePayload("cat.v1.lr.png"); // absent: no error
        assertTrue(store.readPayload("cat.v1.lr.png").isEmpty());
    }

    @Test
    void commitMeta_withAStaleExpectation_isRefusedAndChangesNothing() throws IOException {
        BlobStore store = open();
        assertTrue(store.commitMeta("cat", utf8("v1"), Optional.empty()));
        assertFalse(store.commitMeta("cat", utf8("x"), Optional.empty()), "it exists now");
        Optional<BlobStore.Stamp> v1 = store.metaStamp("cat");
        assertTrue(open().commitMeta("cat", utf8("v2"), v1));
        assertFalse(store.commitMeta("cat", utf8("v3"), v1), "v1 was replaced by another writer");
        assertEquals("v2", text(store.readMeta("cat").orElseThrow().bytes()));
        assertFalse(store.commitMeta("dog", utf8("v1"), v1), "dog has no metadata to match");
        assertTrue(store.readMeta("dog").isEmpty());
    }

    @Test
    void metaStamp_changesWithEveryCommit_evenOfTheSameBytes() throws IOException {
        BlobStore writer = open();
        BlobStore reader = open();
        writer.commitMeta("cat", utf8("same"), Optional.empty());
        for (int i = 0; i < 20; i++) { // back to back, well inside any file-system clock tick
            BlobStore.Stamp seen = reader.metaStamp("cat").orElseThrow();
            assertEquals(seen, reader.metaStamp("cat").orElseThrow(), "unchanged metadata keeps its stamp");
            assertTrue(writer.commitMeta("cat", utf8("same"), Optional.of(seen)));
            assertNotEquals(seen, reader.metaStamp("cat").orElseThrow(), "commit " + i);
        }
    }

    @Test
    @Timeout(60)
    void commitMeta_whileOthersRead_isSeenWholeOrNotAtAll() throws Exception {
        BlobStore writer = open();
        byte[] a = new byte[256 * 1024];
        byte[] b = new byte[256 * 1024];
        Arrays.fill(a, (byte) 'a');
        Arrays.fill(b, (byte) 'b');
        writer.commitMeta("cat", a, Optional.empty());
        AtomicBoolean done = new AtomicBoolean();
        ExecutorService pool = Executors.newFixedThreadPool(2);
        try {
            List<Future<Integer>> readers = new ArrayList<>();
            for (int r = 0; r < 2; r++) {
                BlobStore reader = open();
                readers.add(pool.submit(() -> {
                    int reads = 0;
                    while (!done.get() || reads == 0) {
                        byte[] seen = reader.readMeta("cat").orElseThrow().bytes();
                        assertEquals(a.length, seen.length);
                        assertTrue(seen[0] == 'a' || seen[0] == 'b');
                        for (byte x : seen) {
                            if (x != seen[0]) {
                                throw new AssertionError("a torn read: " + (char) seen[0] + " and " + (char) x);
                            }
                        }
                        reads++;
                    }
                    return reads;
                }));
            }
            for (int i = 0; i < 60; i++) {
                writer.commitMeta("cat", i % 2 == 0 ? b : a, writer.metaStamp("cat"));
            }
            done.set(true);
            for (Future<Integer> reader : readers) {
                assertTrue(reader.get() > 0);
            }
        } finally {
            done.set(true);
            pool.shutdownNow();
        }
    }

    @Test
    @Timeout(60)
    void commitMeta_concurrentReadModifyWrite_losesNoUpdate() throws Exception {
        open().commitMeta("counter", utf8("0"), Optional.empty());
        int threads = 4;
        int increments = 25;
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try {
            List<Callable<Void>> tasks = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                BlobStore store = open(); // each writer its own instance, as separate processes would be
                tasks.add(() -> {
                    for (int i = 0; i < increments; i++) {
                        while (true) {
                            BlobStore.Stamped current = store.readMeta("counter").orElseThrow();
                            byte[] next = utf8(Integer.toString(Integer.parseInt(text(current.bytes())) + 1));
                            if (store.commitMeta("counter", next, Optional.of(current.stamp()))) {
                                break;
                            }
                        }
                    }
                    return null;
                });
            }
            for (Future<Void> done : pool.invokeAll(tasks)) {
                done.get();
            }
        } finally {
            pool.shutdown();
            pool.awaitTermination(10, TimeUnit.SECONDS);
        }
        assertEquals(Integer.toString(threads * increments), text(open().readMeta("counter").orElseThrow().bytes()));
    }

    @Test
    void names_listsEveryCommittedNameSorted() throws IOException {
        BlobStore store = open();
        for (String name : List.of("zebra", "cat", "my.photo")) {
            store.commitMeta(name, utf8(name), Optional.empty());
        }
        store.writePayload("cat.v1.lr.png", utf8("pixels"));
        assertEquals(List.of("cat", "my.photo", "zebra"), open().names());
        assertArrayEquals(utf8("my.photo"), store.readMeta("my.photo").orElseThrow().bytes());
    }

    static byte[] utf8(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    static String text(byte[] bytes) {
        return new String(bytes, StandardCharsets.UTF_8);
    }
}
