package dev.iris.asset;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.ReentrantLock;
import java.util.stream.Stream;

/**
 * Blobs as files in one directory. Thread-safe.
 *
 * <p>Metadata of {@code name} is the file {@code <name>.json}; a payload is the file named by its key (so payload
 * keys may not end in {@code .json}). Every file is written to a hidden temporary file beside its target, forced
 * to disk, then renamed into place: a reader, or a store opened after a crash, sees the old file or the new one,
 * never a torn one. The force makes that hold across a power cut too: a renamed file never points at data that
 * was still in the page cache.
 *
 * <p>The stamp is the metadata file's identity: file key (device and inode on Linux), modification time and size.
 * Timestamps and sizes alone repeat within the clock's granularity; the inode does not between two consecutive
 * commits, since the new file is created before the rename frees the old one.
 *
 * <p>The compare-and-set in {@link #commitMeta} holds its check and its rename under a lock per directory and
 * name that is shared by every instance in the JVM (two instances over one directory are two views of one set
 * of files). Between processes, writers of one name serialise through {@link #lock}, a file lock.
 */
final class DirectoryBlobStore implements BlobStore {
    private static final String META = ".json";
    /** Commit locks by absolute file path, JVM-wide; one small object per name ever committed. */
    private static final ConcurrentHashMap<Path, Object> COMMIT_LOCKS = new ConcurrentHashMap<>();

    /** Name locks by lock-file path, JVM-wide: a file lock is held per process, so threads queue here first. */
    private static final ConcurrentHashMap<Path, ReentrantLock> NAME_LOCKS = new ConcurrentHashMap<>();
    /** Lock files live apart from the blobs, where no name or key can clash with them. */
    private static final String LOCKS = ".locks";

    private final Path dir;

    DirectoryBlobStore(Path dir) {
        this.dir = dir.toAbsolutePath().normalize();
        try {
            Files.createDirectories(this.dir);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create asset directory " + this.dir, e);
        }
    }

    @Override
    public Optional<Stamp> metaStamp(String name) throws IOException {
        try {
            return Optional.of(stamp(Files.readAttributes(metaFile(name), BasicFileAttributes.class)));
        } catch (NoSuchFileException e) {
            return Optional.empty();
        }
    }

    @Override
    public Optional<Stamped> readMeta(String name) throws IOException {
        // Attributes before content: if a commit lands in between, the pair is new bytes with the old stamp,
        // which the next staleness check reads again. The other order could pin old bytes to the new stamp.
        Optional<Stamp> stamp = metaStamp(name);
        if (stamp.isEmpty()) {
            return Optional.empty();
        }
        try {
            return Optional.of(new Stamped(Files.readAllBytes(metaFile(name)), stamp.get()));
        } catch (NoSuchFileException e) {
            return Optional.empty();
        }
    }

    @Override
    public boolean commitMeta(String name, byte[] bytes, Optional<Stamp> expected) throws IOException {
        Path target = metaFile(name);
        Path tmp = writeTemp(bytes);
        try {
            synchronized (COMMIT_LOCKS.computeIfAbsent(target, k -> new Object())) {
                if (!metaStamp(name).equals(expected)) {
                    return false;
                }
                moveIntoPlace(tmp, target);
                return true;
            }
        } finally {
            Files.deleteIfExists(tmp);
        }
    }

    @Override
    public List<String> names() throws IOException {
        try (Stream<Path> files = Files.list(dir)) {
            return files.map(f -> f.getFileName().toString())
                    .filter(f -> f.endsWith(META))
                    .map(f -> f.substring(0, f.length() - META.length()))
                    .filter(BlobKeys::valid)
                    .sorted()
                    .toList();
        }
    }

    @Override
    public boolean writePayload(String key, byte[] bytes) throws IOException {
        Path target = payloadFile(key);
        if (Files.isRegularFile(target)) { // anything else in its place is not these bytes: the rename will say so
            return false;
        }
        Path tmp = writeTemp(bytes);
        try {
            moveIntoPlace(tmp, target);
            return true;
        } finally {
            Files.deleteIfExists(tmp);
        }
    }

    @Override
    public Optional<byte[]> readPayload(String key) throws IOException {
        try {
            return Optional.of(Files.readAllBytes(payloadFile(key)));
        } catch (NoSuchFileException e) {
            return Optional.empty();
        }
    }

    @Override
    public void deletePayload(String key) throws IOException {
        Files.deleteIfExists(payloadFile(key));
    }

    @Override
    public String toString() {
        return dir.toString();
    }

    private Path metaFile(String name) {
        return dir.resolve(BlobKeys.checked("name", name) + META);
    }

    private Path payloadFile(String key) {
        if (BlobKeys.checked("key", key).endsWith(META)) {
            throw new IllegalArgumentException("payload keys may not end in " + META + ", got \"" + key + "\"");
        }
        return dir.resolve(key);
    }

    private Path writeTemp(byte[] bytes) throws IOException {
        Path tmp = Files.createTempFile(dir, ".put-", ".tmp");
        try (FileChannel out = FileChannel.open(tmp, StandardOpenOption.WRITE)) {
            ByteBuffer buffer = ByteBuffer.wrap(bytes);
            while (buffer.hasRemaining()) {
                out.write(buffer);
            }
            out.force(true);
        } catch (IOException | RuntimeException e) {
            Files.deleteIfExists(tmp);
            throw e;
        }
        return tmp;
    }

    private static void moveIntoPlace(Path tmp, Path target) throws IOException {
        try {
            Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (AtomicMoveNotSupportedException e) {
            Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING);
        }
    }

    private static Stamp stamp(BasicFileAttributes attributes) {
        return new Stamp(attributes.fileKey() + "/" + attributes.lastModifiedTime() + "/" + attributes.size());
    }

    @Override
    public NameLock lock(String name) throws IOException {
        Path file = dir.resolve(LOCKS).resolve(BlobKeys.checked("name", name) + ".lock");
        ReentrantLock local = NAME_LOCKS.computeIfAbsent(file, k -> new ReentrantLock());
        local.lock();
        try {
            Files.createDirectories(file.getParent());
            FileChannel channel = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
            try {
                FileLock held = channel.lock(); // blocks while another process holds it
                return () -> {
                    try (channel) {
                        held.release();
                    } finally {
                        local.unlock();
                    }
                };
            } catch (IOException | RuntimeException e) {
                channel.close();
                throw e;
            }
        } catch (IOException | RuntimeException e) {
            local.unlock();
            throw e;
        }
    }
}
