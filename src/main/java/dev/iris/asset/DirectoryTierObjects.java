package dev.iris.asset;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * Tier objects as files in one directory, each written to a hidden temporary file and renamed into place.
 * Thread-safe. Unlike the asset files these are not forced to disk: a restored image lost to a power cut is
 * restored again, and a torn one fails its CRC when read.
 */
final class DirectoryTierObjects implements TierObjects {
    private final Path dir;

    DirectoryTierObjects(Path dir) {
        this.dir = dir.toAbsolutePath().normalize();
        try {
            Files.createDirectories(this.dir);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create restored-image directory " + this.dir, e);
        }
    }

    @Override
    public void put(String key, byte[] bytes) throws IOException {
        Path target = dir.resolve(BlobKeys.checked("key", key));
        Path tmp = Files.createTempFile(dir, ".put-", ".tmp");
        try {
            Files.write(tmp, bytes);
            try {
                Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING);
            }
        } finally {
            Files.deleteIfExists(tmp);
        }
    }

    @Override
    public Optional<InputStream> open(String key) throws IOException {
        try {
            return Optional.of(Files.newInputStream(dir.resolve(BlobKeys.checked("key", key))));
        } catch (NoSuchFileException e) {
            return Optional.empty();
        }
    }

    @Override
    public List<Entry> list() throws IOException {
        List<Entry> entries = new ArrayList<>();
        try (Stream<Path> files = Files.list(dir)) {
            for (Path file : (Iterable<Path>) files::iterator) {
                String key = file.getFileName().toString();
                if (!BlobKeys.valid(key)) {
                    continue; // temporaries and anything else not ours
                }
                try {
                    BasicFileAttributes a = Files.readAttributes(file, BasicFileAttributes.class);
                    entries.add(new Entry(key, a.size(), a.lastModifiedTime().toInstant()));
                } catch (NoSuchFileException gone) {
                    // evicted by another process meanwhile
                }
            }
        }
        return entries;
    }

    @Override
    public void delete(String key) throws IOException {
        Files.deleteIfExists(dir.resolve(BlobKeys.checked("key", key)));
    }

    @Override
    public String toString() {
        return dir.toString();
    }
}
