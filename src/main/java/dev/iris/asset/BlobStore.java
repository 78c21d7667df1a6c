package dev.iris.asset;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * Bytes under keys, with one atomic commit point per name: where an {@link AssetStore} keeps its versions.
 * Implementations are thread-safe; every implementation passes {@code BlobStoreContract}.
 *
 * <p>It holds two kinds of object. <em>Payloads</em> (a version's encoded pixels) are written once under keys that
 * name their content, and nobody reads them until metadata points at them. <em>Metadata</em>, one object per
 * name, is replaced only by {@link #commitMeta}, atomically: that replacement is the only write a reader can
 * observe. So a writer that fails or dies anywhere before its commit leaves readers with the previous version;
 * the worst it leaves behind is unreferenced payloads.
 *
 * <p>Names and keys are 1 to 255 characters of letters, digits, {@code '.'}, {@code '_'} and {@code '-'},
 * starting with a letter or digit, without {@code ".."}: safe as file names and as object-store keys. Other
 * strings are rejected with {@link IllegalArgumentException}.
 */
public interface BlobStore {
    /**
     * Blobs as files in {@code dir} (created if missing): metadata in {@code <name>.json}, each payload in a file
     * named by its key. Commits are atomic among all instances in this JVM; name locks are file locks, so
     * processes sharing the directory (the server and the command line) serialise their puts of one name.
     *
     * @throws java.io.UncheckedIOException if the directory cannot be created
     */
    static BlobStore directory(Path dir) {
        return new DirectoryBlobStore(dir);
    }

    /**
     * One committed revision of a name's metadata, opaque: it changes with every commit, even of the same bytes,
     * so comparing stamps tells whether metadata read earlier is still current without reading it again.
     */
    record Stamp(String value) {}

    /** Metadata bytes and the stamp of the revision they were read from. */
    record Stamped(byte[] bytes, Stamp stamp) {}

    /** The stamp of {@code name}'s current metadata, if it has any: the cheap staleness check (no content read). */
    Optional<Stamp> metaStamp(String name) throws IOException;

    /**
     * {@code name}'s current metadata, if it has any. The stamp returned never claims newer bytes than those
     * returned (it may be older, which only costs the caller one more read later).
     */
    Optional<Stamped> readMeta(String name) throws IOException;

    /**
     * Makes {@code bytes} the metadata of {@code name}, atomically, if its current stamp is still {@code expected}
     * ({@code Optional.empty()}: if it has no metadata yet), else changes nothing: a compare-and-set, so that of
     * two writers who read the same revision only one wins and the other learns it lost.
     *
     * @return whether it committed; {@code false} when the current stamp was not {@code expected}
     * @throws IOException if it could not write; nothing changed then
     */
    boolean commitMeta(String name, byte[] bytes, Optional<Stamp> expected) throws IOException;

    /** Every name that has metadata, sorted. Payloads never appear here. */
    List<String> names() throws IOException;

    /**
     * Stores a payload under {@code key} unless one is there already: keys name their content, so an existing
     * payload holds these bytes. The payload appears whole or not at all, never in part, even if the writer dies.
     *
     * @return whether this call wrote it (so a failed put removes only what it wrote itself)
     */
    boolean writePayload(String key, byte[] bytes) throws IOException;

    /** The payload under {@code key}, if there is one. */
    Optional<byte[]> readPayload(String key) throws IOException;

    /** Removes the payload under {@code key}; no error if there is none. */
    void deletePayload(String key) throws IOException;

    /**
     * Holds off every other writer of {@code name}, in this process and in others sharing the store, until the
     * returned lock is closed: a put reads the current version, commits its own and deletes the old one's payloads
     * under it, so no put deletes payloads another is about to commit. Where {@link #locksAcrossProcesses()} is
     * false it holds off this process's writers only.
     */
    NameLock lock(String name) throws IOException;

    /**
     * Whether {@link #lock} holds off writers in other processes too. Where it does not (an object store whose
     * server offers no atomic conditional write), a writer must never delete a payload, since another process may
     * be committing a version that uses it; superseded versions then stay in the store, whole.
     */
    default boolean locksAcrossProcesses() {
        return true;
    }

    /** A held {@link #lock}. */
    interface NameLock extends AutoCloseable {
        @Override
        void close() throws IOException;
    }
}
