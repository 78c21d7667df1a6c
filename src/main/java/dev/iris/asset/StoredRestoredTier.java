package dev.iris.asset;

import dev.iris.image.Rgb8Image;
import java.io.BufferedInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.lang.System.Logger.Level;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;
import java.util.zip.ZipException;

/**
 * The restored tier over {@link TierObjects}: one object per asset version and network, named
 * {@code <name>.<version>.<first 16 hex digits of the network's SHA-256>.hr}, in {@link RestoredCodec}'s format.
 * Thread-safe.
 *
 * <p>Writes run on one background thread with room for {@value #QUEUED} more waiting; an offer beyond that is
 * dropped (counted), so a burst of cold restores never holds their images in memory for long. After each write the
 * writer lists the tier and deletes the oldest-written objects until it fits {@code maxBytes}. The listing is the
 * whole tier, written by every node, so the bound holds across the cluster, up to what other nodes wrote since
 * their own last listing. Object stores record no read times, so eviction is by age of write, not by use; a node
 * that reads an image keeps it in its own memory cache anyway.
 */
final class StoredRestoredTier implements RestoredTier {
    private static final System.Logger LOG = System.getLogger(StoredRestoredTier.class.getName());
    static final int QUEUED = 2;

    private final TierObjects objects;
    private final long maxBytes;
    private final ThreadPoolExecutor writer;
    private final LongAdder hits = new LongAdder();
    private final LongAdder misses = new LongAdder();
    private final LongAdder readFailures = new LongAdder();
    private final LongAdder writeFailures = new LongAdder();
    private final LongAdder stored = new LongAdder();
    private final LongAdder dropped = new LongAdder();
    private final LongAdder evicted = new LongAdder();
    private volatile long bytes;

    StoredRestoredTier(TierObjects objects, long maxBytes) {
        this.objects = objects;
        this.maxBytes = maxBytes;
        this.writer = new ThreadPoolExecutor(1, 1, 0, TimeUnit.MILLISECONDS, new ArrayBlockingQueue<>(QUEUED),
                r -> {
                    Thread t = new Thread(r, "iris-restored-tier");
                    t.setDaemon(true);
                    return t;
                });
    }

    @Override
    public Optional<Rgb8Image> find(AssetMeta meta) {
        String key = key(meta);
        try {
            Optional<InputStream> opened = objects.open(key);
            if (opened.isEmpty()) {
                misses.increment();
                return Optional.empty();
            }
            try (InputStream in = new BufferedInputStream(opened.get(), 1 << 16)) {
                Rgb8Image image = RestoredCodec.decode(in, meta.width(), meta.height(), meta.hasAlpha());
                hits.increment();
                return Optional.of(image);
            }
        } catch (RestoredCodec.Corrupt | ZipException | EOFException e) {
            readFailures.increment();
            LOG.log(Level.WARNING, "restored image {0} in {1} is unusable ({2}); deleting it", key, objects,
                    e.getMessage());
            deleteQuietly(key);
        } catch (IOException | RuntimeException e) {
            readFailures.increment();
            LOG.log(Level.WARNING, "cannot read restored image {0} ({1}); restoring instead", key, e.getMessage());
        }
        return Optional.empty();
    }

    @Override
    public void offer(AssetMeta meta, Rgb8Image restored) {
        try {
            writer.execute(() -> store(meta, restored));
        } catch (RejectedExecutionException e) {
            dropped.increment();
        }
    }

    private void store(AssetMeta meta, Rgb8Image restored) {
        String key = key(meta);
        try {
            byte[] encoded = RestoredCodec.encode(restored);
            if (encoded.length > maxBytes) {
                dropped.increment();
                return;
            }
            objects.put(key, encoded);
            stored.increment();
            evict();
        } catch (IOException | RuntimeException e) {
            writeFailures.increment();
            LOG.log(Level.WARNING, "cannot keep restored image {0} ({1})", key, e.getMessage());
        }
    }

    /** Deletes the oldest-written objects until the tier fits its budget. */
    private void evict() throws IOException {
        List<TierObjects.Entry> entries = objects.list().stream()
                .sorted(Comparator.comparing(TierObjects.Entry::written).thenComparing(TierObjects.Entry::key))
                .toList();
        long total = entries.stream().mapToLong(TierObjects.Entry::bytes).sum();
        for (TierObjects.Entry oldest : entries) {
            if (total <= maxBytes) {
                break;
            }
            objects.delete(oldest.key());
            total -= oldest.bytes();
            evicted.increment();
        }
        bytes = total;
    }

    private void deleteQuietly(String key) {
        try {
            objects.delete(key);
        } catch (IOException e) {
            // it fails again next time, and is evicted in time
        }
    }

    static String key(AssetMeta meta) {
        String network = meta.modelSha256().toLowerCase(Locale.ROOT);
        return meta.name() + "." + meta.version() + "." + network.substring(0, Math.min(16, network.length())) + ".hr";
    }

    @Override
    public Stats stats() {
        return new Stats(hits.sum(), misses.sum(), readFailures.sum(), stored.sum(), dropped.sum(),
                writeFailures.sum(), evicted.sum(), bytes, maxBytes);
    }

    /** Lets a write in progress finish (a few seconds at most), drops those waiting. */
    @Override
    public void close() {
        writer.getQueue().clear();
        writer.shutdown();
        try {
            writer.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public String toString() {
        return objects.toString();
    }
}
