package dev.iris.asset;

import dev.iris.image.DecodeLimits;
import dev.iris.image.Decoder;
import dev.iris.image.Encoder;
import dev.iris.image.ImageException;
import dev.iris.image.ImageFormat;
import dev.iris.image.Rgb8Image;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileTime;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Stream;

/**
 * Assets as files in one directory. Thread-safe.
 *
 * <p>Per asset: {@code <name>.json} (the metadata, and the commit point), {@code <name>.<version>.lr.png} and,
 * with alpha, {@code <name>.<version>.alpha.png}. A put writes the new version's PNGs under their new names,
 * then writes the JSON to a temporary file and renames it over the old one, then deletes the old version's
 * PNGs. Any failure before the rename deletes what it wrote and leaves the old version as it was.
 *
 * <p>Metadata is cached with the JSON file's identity (file key, modification time, size), which every
 * {@link #find} compares against the file system, so a change made by another process is seen on the next
 * request.
 */
public final class FileAssetStore implements AssetStore {
    private static final String META = ".json";

    private final Path dir;
    private final ConcurrentHashMap<String, CachedMeta> metas = new ConcurrentHashMap<>();
    /** One lock object per name: puts of one name are serialised, puts of different names are not. */
    private final ConcurrentHashMap<String, Object> writeLocks = new ConcurrentHashMap<>();

    /**
     * Metadata with what identifies the file it was read from. The file key (device and inode on Linux) changes
     * with every put, since each writes a new file and renames it into place: timestamps alone can repeat within
     * the file system's clock granularity.
     */
    private record CachedMeta(AssetMeta meta, Object fileKey, FileTime modified, long size) {
        boolean describes(BasicFileAttributes attributes) {
            return java.util.Objects.equals(fileKey, attributes.fileKey())
                    && modified.equals(attributes.lastModifiedTime()) && size == attributes.size();
        }
    }

    public FileAssetStore(Path dir) {
        this.dir = dir.toAbsolutePath().normalize();
        try {
            Files.createDirectories(this.dir);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create asset directory " + this.dir, e);
        }
    }

    public Path dir() {
        return dir;
    }

    @Override
    public Optional<AssetMeta> find(AssetName name) {
        Path file = dir.resolve(name.value() + META);
        BasicFileAttributes attributes;
        try {
            attributes = Files.readAttributes(file, BasicFileAttributes.class);
        } catch (NoSuchFileException e) {
            metas.remove(name.value());
            return Optional.empty();
        } catch (IOException e) {
            throw new AssetException("cannot read asset " + name + ": " + e.getMessage(), e);
        }
        CachedMeta cached = metas.get(name.value());
        if (cached != null && cached.describes(attributes)) {
            return Optional.of(cached.meta());
        }
        try {
            AssetMeta meta = MetaJson.read(Files.readAllBytes(file));
            metas.put(name.value(), new CachedMeta(meta, attributes.fileKey(), attributes.lastModifiedTime(),
                    attributes.size()));
            return Optional.of(meta);
        } catch (NoSuchFileException e) {
            return Optional.empty();
        } catch (IOException | RuntimeException e) {
            throw new AssetException("asset " + name + " has unreadable metadata: " + e.getMessage(), e);
        }
    }

    @Override
    public StoredAsset read(AssetMeta meta) {
        try {
            Rgb8Image lr = decodePng(lrFile(meta.name(), meta.version()));
            if (lr.width() != meta.lrWidth() || lr.height() != meta.lrHeight()) {
                throw new AssetException("asset " + meta.name() + " has a " + lr.width() + "x" + lr.height()
                        + " LR, metadata says " + meta.lrWidth() + "x" + meta.lrHeight());
            }
            if (meta.hasAlpha()) {
                Rgb8Image plane = decodePng(alphaFile(meta.name(), meta.version()));
                lr = lr.withAlpha(firstChannel(plane));
            }
            return new StoredAsset(meta, lr);
        } catch (NoSuchFileException e) {
            throw new AssetException("asset " + meta.name() + " version " + meta.version() + " is gone", e);
        } catch (IOException | ImageException e) {
            throw new AssetException("asset " + meta.name() + " is unreadable: " + e.getMessage(), e);
        }
    }

    @Override
    public AssetMeta put(AssetMeta draft, Rgb8Image lr) {
        String name = new AssetName(draft.name()).value();
        byte[] lrPng = Encoder.encode(lr.withoutAlpha(), ImageFormat.PNG, 100);
        byte[] alphaPng = lr.hasAlpha() ? Encoder.encode(grayImage(lr), ImageFormat.PNG, 100) : null;
        String version = version(lrPng, alphaPng, draft);
        AssetMeta meta = new AssetMeta(name, version, draft.width(), draft.height(), lr.width(), lr.height(),
                draft.scale(), draft.modelId(), draft.modelSha256(), draft.sourceSha256(), lr.hasAlpha(),
                draft.created(), draft.roundTripPsnrY());
        synchronized (writeLocks.computeIfAbsent(name, k -> new Object())) {
            Optional<AssetMeta> previous = find(new AssetName(name));
            List<Path> written = new ArrayList<>();
            boolean committed = false;
            try {
                writeNew(lrFile(name, version), lrPng, written);
                if (alphaPng != null) {
                    writeNew(alphaFile(name, version), alphaPng, written);
                }
                writeAtomically(dir.resolve(name + META), MetaJson.write(meta), new ArrayList<>());
                committed = true;
            } catch (IOException e) {
                throw new AssetException("cannot store asset " + name + ": " + e.getMessage()
                        + "; the previous version is unchanged", e);
            } finally {
                if (!committed) {
                    written.forEach(FileAssetStore::deleteQuietly);
                }
            }
            previous.filter(old -> !old.version().equals(version)).ifPresent(old -> {
                deleteQuietly(lrFile(name, old.version()));
                deleteQuietly(alphaFile(name, old.version()));
            });
            return meta;
        }
    }

    @Override
    public List<AssetMeta> list() {
        try (Stream<Path> files = Files.list(dir)) {
            return files.map(f -> f.getFileName().toString())
                    .filter(f -> f.endsWith(META))
                    .map(f -> AssetName.parse(f.substring(0, f.length() - META.length())))
                    .flatMap(Optional::stream)
                    .map(this::find)
                    .flatMap(Optional::stream)
                    .sorted(java.util.Comparator.comparing(AssetMeta::name))
                    .toList();
        } catch (IOException e) {
            throw new AssetException("cannot list assets in " + dir + ": " + e.getMessage(), e);
        }
    }

    private Path lrFile(String name, String version) {
        return dir.resolve(name + "." + version + ".lr.png");
    }

    private Path alphaFile(String name, String version) {
        return dir.resolve(name + "." + version + ".alpha.png");
    }

    /**
     * Writes a version's pixel file unless it is already there: names are content-addressed, so an existing file
     * already holds these bytes, and it may belong to the current version, which a failure must not delete.
     */
    private void writeNew(Path target, byte[] bytes, List<Path> written) throws IOException {
        if (!Files.exists(target)) {
            writeAtomically(target, bytes, written);
        }
    }

    /** Writes {@code bytes} to a temporary file beside {@code target}, then renames it into place. */
    private void writeAtomically(Path target, byte[] bytes, List<Path> written) throws IOException {
        Path tmp = Files.createTempFile(dir, ".put-", ".tmp");
        try {
            Files.write(tmp, bytes);
            try {
                Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING);
            }
            written.add(target);
        } finally {
            Files.deleteIfExists(tmp);
        }
    }

    private static Rgb8Image decodePng(Path file) throws IOException {
        byte[] bytes = Files.readAllBytes(file);
        return Decoder.decode(bytes, DecodeLimits.defaults());
    }

    /** The alpha plane as an opaque gray image, which PNG stores compactly. */
    private static Rgb8Image grayImage(Rgb8Image image) {
        byte[] alpha = image.alpha();
        byte[] rgb = new byte[3 * alpha.length];
        for (int i = 0; i < alpha.length; i++) {
            rgb[3 * i] = rgb[3 * i + 1] = rgb[3 * i + 2] = alpha[i];
        }
        return Rgb8Image.opaque(image.width(), image.height(), rgb);
    }

    private static byte[] firstChannel(Rgb8Image image) {
        byte[] rgb = image.rgb();
        byte[] plane = new byte[rgb.length / 3];
        for (int i = 0; i < plane.length; i++) {
            plane[i] = rgb[3 * i];
        }
        return plane;
    }

    private static String version(byte[] lrPng, byte[] alphaPng, AssetMeta draft) {
        try {
            MessageDigest digest = MessageDigest.getInstance("SHA-256");
            digest.update(lrPng);
            if (alphaPng != null) {
                digest.update(alphaPng);
            }
            digest.update((draft.modelSha256() + "/" + draft.width() + "x" + draft.height()).getBytes());
            return HexFormat.of().formatHex(digest.digest(), 0, 8);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JDK has SHA-256", e);
        }
    }

    private static void deleteQuietly(Path file) {
        try {
            Files.deleteIfExists(file);
        } catch (IOException ignored) {
            // an orphaned file costs disk space only; the metadata no longer points at it
        }
    }
}
