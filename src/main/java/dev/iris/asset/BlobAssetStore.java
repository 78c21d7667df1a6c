package dev.iris.asset;

import dev.iris.hash.Sha256;
import dev.iris.image.ImageException;
import dev.iris.image.Rgb8Image;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The asset store as a composition: an {@link LrCodec} turns pixels into payload bytes, a {@link BlobStore} keeps
 * them, and each name's metadata is the commit point. Thread-safe.
 *
 * <p>Keys: the metadata under the asset's name; payloads under {@code <name>.<version>.lr.<ext>} and, with alpha,
 * {@code <name>.<version>.alpha.<ext>}, {@code ext} being the codec's. For PNG these are the file names iris has
 * always written, so existing stores read and grow unchanged.
 *
 * <p>A put encodes outside any lock, then, holding its name's lock ({@link BlobStore#lock}, which also holds off
 * other processes sharing the store): reads the current metadata; writes the new
 * version's payloads (skipping those present: keys name content); commits the metadata provided it is still the
 * revision read; deletes the previous version's payloads. Any failure before the commit deletes the payloads this
 * put wrote. The lock keeps a put from deleting payloads that another put of the same name is about to commit;
 * the compare-and-set makes a put lose, rather than silently overwrite, when another store instance or process
 * committed the name in between.
 *
 * <p>Parsed metadata is cached with its {@link BlobStore.Stamp}, which every {@link #find} compares against the
 * blob store, so a change made by another process is seen on the next request.
 */
final class BlobAssetStore implements AssetStore {
    private final BlobStore blobs;
    private final LrCodec codec;
    private final ConcurrentHashMap<String, CachedMeta> metas = new ConcurrentHashMap<>();

    private record CachedMeta(AssetMeta meta, BlobStore.Stamp stamp) {}

    /** Stores new versions with {@code codec}; reads each stored version with the codec its metadata names. */
    BlobAssetStore(BlobStore blobs, LrCodec codec) {
        this.blobs = blobs;
        this.codec = codec;
    }

    @Override
    public Optional<AssetMeta> find(AssetName name) {
        String key = name.value();
        try {
            CachedMeta cached = metas.get(key);
            if (cached != null) {
                Optional<BlobStore.Stamp> stamp = blobs.metaStamp(key);
                if (stamp.isEmpty()) {
                    metas.remove(key);
                    return Optional.empty();
                }
                if (stamp.get().equals(cached.stamp())) {
                    return Optional.of(cached.meta());
                }
            }
            Optional<BlobStore.Stamped> read = blobs.readMeta(key);
            if (read.isEmpty()) {
                metas.remove(key);
                return Optional.empty();
            }
            AssetMeta meta = parse(name.value(), read.get().bytes());
            metas.put(key, new CachedMeta(meta, read.get().stamp()));
            return Optional.of(meta);
        } catch (IOException e) {
            throw new AssetException("cannot read asset " + name + ": " + e.getMessage(), e);
        }
    }

    @Override
    public StoredAsset read(AssetMeta meta) {
        LrCodec stored = LrCodec.byId(meta.codec()).orElseThrow(() -> new AssetException("asset " + meta.name()
                + " version " + meta.version() + " is stored with codec \"" + meta.codec()
                + "\", which this iris cannot read"));
        try {
            byte[] lr = payload(meta, lrKey(meta.name(), meta.version(), stored));
            byte[] alpha = meta.hasAlpha() ? payload(meta, alphaKey(meta.name(), meta.version(), stored)) : null;
            return new StoredAsset(meta, stored.decode(new EncodedLr(lr, alpha), meta.lrWidth(), meta.lrHeight()));
        } catch (IOException | ImageException e) {
            throw new AssetException("asset " + meta.name() + " is unreadable: " + e.getMessage(), e);
        }
    }

    @Override
    public AssetMeta put(AssetMeta draft, Rgb8Image lr) {
        String name = new AssetName(draft.name()).value();
        EncodedLr encoded = codec.encode(lr);
        String version = version(encoded, draft);
        AssetMeta meta = new AssetMeta(name, version, codec.id(), draft.width(), draft.height(), lr.width(),
                lr.height(), draft.scale(), draft.modelId(), draft.modelSha256(), draft.sourceSha256(),
                lr.hasAlpha(), draft.created(), draft.roundTripPsnrY(), draft.optimizeIterations());
        Map<String, byte[]> payloads = new LinkedHashMap<>();
        payloads.put(lrKey(name, version, codec), encoded.lr());
        if (encoded.hasAlpha()) {
            payloads.put(alphaKey(name, version, codec), encoded.alpha());
        }
        try (BlobStore.NameLock lock = blobs.lock(name)) {
            Optional<BlobStore.Stamped> current = blobs.readMeta(name);
            Optional<AssetMeta> previous = current.map(c -> parse(name, c.bytes()));
            commit(meta, payloads, current.map(BlobStore.Stamped::stamp));
            previous.filter(old -> !old.version().equals(version)).ifPresent(this::deletePayloads);
            return meta;
        } catch (IOException e) {
            throw new AssetException("cannot store asset " + name + ": " + e.getMessage()
                    + "; the previous version is unchanged", e);
        }
    }

    @Override
    public List<AssetMeta> list() {
        try {
            return blobs.names().stream()
                    .map(AssetName::parse)
                    .flatMap(Optional::stream)
                    .map(this::find)
                    .flatMap(Optional::stream)
                    .sorted(Comparator.comparing(AssetMeta::name))
                    .toList();
        } catch (IOException e) {
            throw new AssetException("cannot list assets in " + blobs + ": " + e.getMessage(), e);
        }
    }

    /** Writes the payloads, then the metadata; on any failure before the metadata lands, undoes its own writes. */
    private void commit(AssetMeta meta, Map<String, byte[]> payloads, Optional<BlobStore.Stamp> expected) {
        List<String> written = new ArrayList<>();
        boolean committed = false;
        try {
            for (Map.Entry<String, byte[]> payload : payloads.entrySet()) {
                if (blobs.writePayload(payload.getKey(), payload.getValue())) {
                    written.add(payload.getKey());
                }
            }
            if (!blobs.commitMeta(meta.name(), MetaJson.write(meta), expected)) {
                throw new AssetException("cannot store asset " + meta.name() + ": another writer replaced it "
                        + "meanwhile; its version is kept");
            }
            committed = true;
        } catch (IOException e) {
            throw new AssetException("cannot store asset " + meta.name() + ": " + e.getMessage()
                    + "; the previous version is unchanged", e);
        } finally {
            if (!committed) {
                written.forEach(this::deleteQuietly);
            }
        }
    }

    /** Deletes a superseded version's payloads; one whose codec this iris does not know is left in place. */
    private void deletePayloads(AssetMeta old) {
        LrCodec.byId(old.codec()).ifPresent(c -> {
            deleteQuietly(lrKey(old.name(), old.version(), c));
            deleteQuietly(alphaKey(old.name(), old.version(), c));
        });
    }

    private byte[] payload(AssetMeta meta, String key) throws IOException {
        return blobs.readPayload(key).orElseThrow(() -> new AssetException("asset " + meta.name() + " version "
                + meta.version() + " is gone"));
    }

    private static AssetMeta parse(String name, byte[] json) {
        try {
            return MetaJson.read(json);
        } catch (IOException | RuntimeException e) {
            throw new AssetException("asset " + name + " has unreadable metadata: " + e.getMessage(), e);
        }
    }

    /**
     * The version: the first 8 bytes of SHA-256 over the encoded payloads, the model and the original size, so it
     * changes whenever the pixels, the model or the size do. The codec id is not hashed: the payload bytes begin
     * with their format's signature, and leaving it out keeps every existing PNG version's value.
     */
    private static String version(EncodedLr encoded, AssetMeta draft) {
        byte[] tail = (draft.modelSha256() + "/" + draft.width() + "x" + draft.height())
                .getBytes(StandardCharsets.UTF_8);
        return encoded.hasAlpha() ? Sha256.hexPrefix(8, encoded.lr(), encoded.alpha(), tail)
                : Sha256.hexPrefix(8, encoded.lr(), tail);
    }

    private static String lrKey(String name, String version, LrCodec codec) {
        return name + "." + version + ".lr." + codec.extension();
    }

    private static String alphaKey(String name, String version, LrCodec codec) {
        return name + "." + version + ".alpha." + codec.extension();
    }

    private void deleteQuietly(String key) {
        try {
            blobs.deletePayload(key);
        } catch (IOException ignored) {
            // an orphaned payload costs space only; no metadata points at it
        }
    }
}
