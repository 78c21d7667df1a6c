package dev.iris.asset;

import java.io.IOException;
import java.io.InputStream;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * Where the restored tier keeps its objects: flat keys (valid {@link BlobKeys}) with their sizes and write times, in
 * a directory or under an object-store prefix of their own. Implementations are thread-safe; an object appears
 * whole or not at all.
 */
interface TierObjects {
    /** One stored object: its key, size in bytes and when it was written. */
    record Entry(String key, long bytes, Instant written) {}

    /** Stores {@code bytes} under {@code key}, replacing what is there. */
    void put(String key, byte[] bytes) throws IOException;

    /** The object under {@code key} as a stream the caller closes, if there is one. */
    Optional<InputStream> open(String key) throws IOException;

    /** Every object, in no particular order. */
    List<Entry> list() throws IOException;

    /** Removes the object under {@code key}; no error if there is none. */
    void delete(String key) throws IOException;
}
