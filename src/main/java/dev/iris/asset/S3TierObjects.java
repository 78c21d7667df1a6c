package dev.iris.asset;

import java.io.IOException;
import java.io.InputStream;
import java.util.List;
import java.util.Optional;

/** Tier objects under a prefix of their own in an S3 bucket ({@code <prefix>.restored/}). Thread-safe. */
final class S3TierObjects implements TierObjects {
    static final String UNDER = ".restored/";

    private final S3Objects objects;

    S3TierObjects(S3Objects objects) {
        this.objects = objects;
    }

    @Override
    public void put(String key, byte[] bytes) throws IOException {
        objects.put(UNDER + BlobKeys.checked("key", key), bytes, "restored");
    }

    @Override
    public Optional<InputStream> open(String key) throws IOException {
        return objects.open(UNDER + BlobKeys.checked("key", key));
    }

    @Override
    public List<Entry> list() throws IOException {
        return objects.list(UNDER, false).stream()
                .map(o -> new Entry(o.key().substring(UNDER.length()), o.bytes(), o.lastModified()))
                .filter(e -> BlobKeys.valid(e.key()))
                .toList();
    }

    @Override
    public void delete(String key) throws IOException {
        objects.delete(UNDER + BlobKeys.checked("key", key));
    }

    @Override
    public String toString() {
        return objects + UNDER;
    }
}
