package dev.iris.asset;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import dev.iris.hash.Sha256;
import dev.iris.image.ImageException;
import dev.iris.image.Rgb8Image;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.LongSupplier;
import java.util.OptionalLong;
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
 * <p>A recode ({@code iris migrate}) is a put that keeps the version: the same commit under the same lock, but its
 * compare-and-set expects the revision it decoded the old payloads from, so any put in between wins. Its payload
 * keys differ from the old ones by the codec's extension only; a reader that found the old encoding just before
 * the commit reads the new one ({@link #read}).
 *
 * <p>Parsed metadata is cached with its {@link BlobStore.Stamp}. A {@link #find} within {@code staleness} of the
 * last look answers from memory; after that it compares the stamp with the blob store's (a file stat; a HEAD on
 * S3), so a change made by another process or node is seen within {@code staleness}. Names found absent are
 * remembered the same way, so requests for names that are not assets do not each ask the store. When the store
 * cannot be asked, a name looked up before keeps its last answer (stale if error): images already cached keep being
 * served through an outage. A put's own commit is seen at once by this instance.
 *
 * <p>Where the blob store cannot lock across processes ({@link BlobStore#locksAcrossProcesses()} false), no
 * payload is ever deleted, neither a superseded version's nor a failed put's: another node may be committing a
 * version that uses it.
 */
final class BlobAssetStore implements AssetStore {
    /** Names whose last answer is remembered; beyond this, the least used are asked about afresh. */
    static final int MAX_CACHED_NAMES = 50_000;

    private final BlobStore blobs;
    private final LrCodec codec;
    private final long stalenessNanos;
    private final LongSupplier nanoTime;
    private final Cache<String, CachedMeta> metas = Caffeine.newBuilder().maximumSize(MAX_CACHED_NAMES).build();

    /** A lookup's answer ({@code meta} empty: no such asset), its stamp, and when the store was last asked. */
    private record CachedMeta(Optional<AssetMeta> meta, Optional<BlobStore.Stamp> stamp, long checkedAt) {}

    /**
     * Stores new versions with {@code codec}; reads each stored version with the codec its metadata names; answers
     * lookups from memory for up to {@code staleness}, timed by {@code nanoTime} ({@code System::nanoTime}).
     */
    BlobAssetStore(BlobStore blobs, LrCodec codec, Duration staleness, LongSupplier nanoTime) {
        this.blobs = blobs;
        this.codec = codec;
        this.stalenessNanos = staleness.toNanos();
        this.nanoTime = nanoTime;
    }

    @Override
    public Optional<AssetMeta> find(AssetName name) {
        String key = name.value();
        CachedMeta cached = metas.getIfPresent(key);
        long now = nanoTime.getAsLong();
        if (cached != null && now - cached.checkedAt() < stalenessNanos) {
            return cached.meta();
        }
        try {
            return refresh(key, cached, now).meta();
        } catch (IOException e) {
            if (cached == null) {
                throw failure("cannot read asset " + name, e);
            }
            // Stale if error: the answer of a moment ago beats none; asked again after another staleness period.
            metas.put(key, new CachedMeta(cached.meta(), cached.stamp(), now));
            return cached.meta();
        }
    }

    /** Asks the store: the stamp first when there is one to compare (cheap), the metadata itself when it changed. */
    private CachedMeta refresh(String key, CachedMeta cached, long now) throws IOException {
        if (cached != null && cached.stamp().isPresent()) {
            Optional<BlobStore.Stamp> stamp = blobs.metaStamp(key);
            if (stamp.equals(cached.stamp())) {
                CachedMeta same = new CachedMeta(cached.meta(), stamp, now);
                metas.put(key, same);
                return same;
            }
        }
        Optional<BlobStore.Stamped> read = blobs.readMeta(key);
        CachedMeta fresh = new CachedMeta(read.map(r -> parse(key, r.bytes())), read.map(BlobStore.Stamped::stamp),
                now);
        metas.put(key, fresh);
        return fresh;
    }

    @Override
    public StoredAsset read(AssetMeta meta) {
        Optional<StoredAsset> read = readVersion(meta);
        if (read.isPresent()) {
            return read.get();
        }
        // iris migrate re-encodes a version in place, keeping its version: a reader that found the old encoding
        // just before the commit finds its payloads deleted, and the same pixels in the new encoding.
        Optional<AssetMeta> now = find(new AssetName(meta.name()));
        if (now.isPresent() && now.get().version().equals(meta.version()) && !now.get().codec().equals(meta.codec())) {
            read = readVersion(now.get());
        }
        return read.orElseThrow(() -> new AssetException("asset " + meta.name() + " version " + meta.version()
                + " is gone"));
    }

    /** The pixels of {@code meta}'s version, or empty if one of its payloads is gone. */
    private Optional<StoredAsset> readVersion(AssetMeta meta) {
        LrCodec stored = codecOf(meta);
        try {
            Optional<EncodedLr> encoded = payloads(meta, stored);
            return encoded.map(e -> new StoredAsset(meta, stored.decode(e, meta.lrWidth(), meta.lrHeight())));
        } catch (IOException e) {
            throw failure("asset " + meta.name() + " is unreadable", e);
        } catch (ImageException e) {
            throw new AssetException("asset " + meta.name() + " is unreadable: " + e.getMessage(), e);
        }
    }

    @Override
    public AssetMeta put(AssetMeta draft, Rgb8Image lr) {
        // PNG holds any size; the store's codec may not (WebP: no side over 16383 pixels).
        return put(draft, lr, codec.fits(lr.width(), lr.height()) ? codec : LrCodec.png());
    }

    @Override
    public AssetMeta put(AssetMeta draft, Rgb8Image lr, LrCodec used) {
        String name = new AssetName(draft.name()).value();
        EncodedLr encoded = used.encode(lr);
        String version = version(encoded, draft);
        MetaJson.Written meta = MetaJson.withStoredBytes(new AssetMeta(name, version, used.id(), draft.width(),
                draft.height(), lr.width(), lr.height(), draft.scale(), draft.modelId(), draft.modelSha256(),
                draft.sourceSha256(), lr.hasAlpha(), draft.created(), draft.roundTripPsnrY(), OptionalLong.empty(),
                draft.sourceBytes(), draft.optimizeIterations(), draft.optimizeHrIterations()), size(encoded));
        Map<String, byte[]> payloads = payloads(name, version, used, encoded);
        try (BlobStore.NameLock lock = blobs.lock(name)) {
            Optional<BlobStore.Stamped> current = blobs.readMeta(name);
            Optional<AssetMeta> previous = current.map(c -> parse(name, c.bytes()));
            commit(meta, payloads, current.map(BlobStore.Stamped::stamp));
            metas.invalidate(name);
            if (blobs.locksAcrossProcesses()) {
                previous.filter(old -> !old.version().equals(version) || !old.codec().equals(used.id()))
                        .ifPresent(this::deletePayloads);
            }
            return meta.meta();
        } catch (IOException e) {
            throw failure("cannot store asset " + name + "; the previous version is unchanged", e);
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
            throw failure("cannot list assets", e);
        }
    }

    @Override
    public Recoding recode(AssetName asset) {
        String name = asset.value();
        try {
            Optional<BlobStore.Stamped> read = blobs.readMeta(name);
            if (read.isEmpty()) {
                return new Recoding.Superseded(name);
            }
            AssetMeta before = parse(name, read.get().bytes());
            LrCodec from = codecOf(before);
            Optional<EncodedLr> old = payloads(before, from);
            if (old.isEmpty()) {
                return new Recoding.Superseded(name); // replaced between the two reads
            }
            long bytesBefore = size(old.get()) + read.get().bytes().length;
            if (from.equals(codec)) {
                return new Recoding.AlreadyEncoded(before, bytesBefore);
            }
            if (!from.lossless()) {
                return new Recoding.Kept(before, bytesBefore, "its LR is stored as " + from.id() + ", the lossy codec "
                        + "its model was trained for");
            }
            if (!codec.fits(before.lrWidth(), before.lrHeight())) {
                return new Recoding.Kept(before, bytesBefore, "its LR of " + before.lrWidth() + "x"
                        + before.lrHeight() + " does not fit " + codec.id());
            }
            Rgb8Image pixels = from.decode(old.get(), before.lrWidth(), before.lrHeight());
            EncodedLr encoded = codec.encode(pixels);
            Rgb8Image check = codec.decode(encoded, before.lrWidth(), before.lrHeight());
            if (!Arrays.equals(pixels.rgb(), check.rgb()) || !Arrays.equals(pixels.alpha(), check.alpha())) {
                throw new AssetException("asset " + name + " does not decode to the same pixels as " + codec.id()
                        + "; left as it was");
            }
            // The version stays: it names the pixels, which are the same, so ETags, ?v= URLs and caches stay valid.
            MetaJson.Written after = MetaJson.withStoredBytes(new AssetMeta(name, before.version(), codec.id(),
                    before.width(), before.height(), before.lrWidth(), before.lrHeight(), before.scale(),
                    before.modelId(), before.modelSha256(), before.sourceSha256(), before.hasAlpha(),
                    before.created(), before.roundTripPsnrY(), OptionalLong.empty(), before.sourceBytes(),
                    before.optimizeIterations(), before.optimizeHrIterations()), size(encoded));
            Map<String, byte[]> payloads = payloads(name, before.version(), codec, encoded);
            try (BlobStore.NameLock lock = blobs.lock(name)) {
                Optional<BlobStore.Stamp> now = blobs.metaStamp(name);
                if (now.isEmpty() || !now.get().equals(read.get().stamp())) {
                    return new Recoding.Superseded(name); // a put (or another migrate) committed meanwhile: it wins
                }
                // Under the lock, with the metadata still naming the old encoding, nothing refers to these keys: a
                // file there is left by a migrate that died before its commit, perhaps at another effort.
                for (String key : payloads.keySet()) {
                    blobs.deletePayload(key);
                }
                try {
                    commit(after, payloads, Optional.of(read.get().stamp()));
                } catch (AssetException e) {
                    if (!blobs.metaStamp(name).equals(now)) {
                        return new Recoding.Superseded(name);
                    }
                    throw e;
                }
                metas.invalidate(name);
                if (blobs.locksAcrossProcesses()) {
                    deletePayloads(before);
                }
                return new Recoding.Recoded(before, after.meta(), bytesBefore, after.meta().storedBytes().orElseThrow());
            }
        } catch (IOException e) {
            throw failure("cannot migrate asset " + name + "; it is left as it was", e);
        } catch (ImageException e) {
            throw new AssetException("cannot migrate asset " + name + ": " + e.getMessage()
                    + "; it is left as it was", e);
        }
    }

    /** Writes the payloads, then the metadata; on any failure before the metadata lands, undoes its own writes. */
    private void commit(MetaJson.Written meta, Map<String, byte[]> payloads, Optional<BlobStore.Stamp> expected) {
        List<String> written = new ArrayList<>();
        boolean committed = false;
        try {
            for (Map.Entry<String, byte[]> payload : payloads.entrySet()) {
                if (blobs.writePayload(payload.getKey(), payload.getValue())) {
                    written.add(payload.getKey());
                }
            }
            if (!blobs.commitMeta(meta.meta().name(), meta.json(), expected)) {
                throw new AssetException("cannot store asset " + meta.meta().name() + ": another writer replaced it "
                        + "meanwhile; its version is kept");
            }
            committed = true;
        } catch (IOException e) {
            throw failure("cannot store asset " + meta.meta().name() + "; the previous version is unchanged", e);
        } finally {
            if (!committed && blobs.locksAcrossProcesses()) {
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

    /**
     * {@code what} failed because of {@code e}: {@link AssetUnavailable} (503, try again) when the store did not
     * answer, else a storage error. Only {@code what}, which names no file, bucket or endpoint, reaches clients.
     */
    private AssetException failure(String what, IOException e) {
        if (e instanceof StoreUnreachable unreachable) {
            return new AssetUnavailable("the asset store is not answering: " + what + "; try again shortly",
                    unreachable.retryAfter(), e);
        }
        return new AssetException(what + ": " + e.getMessage(), e);
    }


    /** The stored payloads of {@code meta}'s version, or empty if one is gone (replaced since). */
    private Optional<EncodedLr> payloads(AssetMeta meta, LrCodec stored) throws IOException {
        Optional<byte[]> lr = blobs.readPayload(lrKey(meta.name(), meta.version(), stored));
        if (lr.isEmpty()) {
            return Optional.empty();
        }
        if (!meta.hasAlpha()) {
            return Optional.of(new EncodedLr(lr.get(), null));
        }
        return blobs.readPayload(alphaKey(meta.name(), meta.version(), stored)).map(a -> new EncodedLr(lr.get(), a));
    }

    /** The payloads to write for one version, by key. */
    private static Map<String, byte[]> payloads(String name, String version, LrCodec codec, EncodedLr encoded) {
        Map<String, byte[]> payloads = new LinkedHashMap<>();
        payloads.put(lrKey(name, version, codec), encoded.lr());
        if (encoded.hasAlpha()) {
            payloads.put(alphaKey(name, version, codec), encoded.alpha());
        }
        return payloads;
    }

    private static long size(EncodedLr encoded) {
        return encoded.lr().length + (encoded.hasAlpha() ? encoded.alpha().length : 0L);
    }

    private static LrCodec codecOf(AssetMeta meta) {
        return LrCodec.byId(meta.codec()).orElseThrow(() -> new AssetException("asset " + meta.name()
                + " version " + meta.version() + " is stored with codec \"" + meta.codec()
                + "\", which this iris cannot read"));
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
