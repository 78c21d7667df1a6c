package dev.iris.asset;

import dev.iris.config.IrisConfig;
import java.io.IOException;
import java.time.Duration;

/**
 * One S3 bucket and prefix (AWS or any S3-compatible server) holding assets and restored images, with the one SDK
 * client that talks to it. Thread-safe; closing it closes the client, after which its stores fail.
 */
public final class S3Bucket implements AutoCloseable {
    private final S3Objects objects;
    private final S3BlobStore blobs;

    private S3Bucket(IrisConfig.S3 config, Duration lease) {
        this.objects = new S3Objects(config);
        this.blobs = new S3BlobStore(objects, config.conditionalWrites(), lease);
    }

    /** Opens a client for {@code config}; asks the server nothing yet (see {@link #verify}). */
    public static S3Bucket open(IrisConfig.S3 config) {
        return new S3Bucket(config, S3BlobStore.DEFAULT_LEASE);
    }

    /** With a short lock lease, for tests of a writer that died holding a lock. */
    static S3Bucket open(IrisConfig.S3 config, Duration lease) {
        return new S3Bucket(config, lease);
    }

    /** The blob store in this bucket: what {@link AssetStore#of} keeps assets in. */
    public BlobStore blobs() {
        return blobs;
    }

    /** A restored tier of at most {@code maxBytes} under {@code <prefix>.restored/}; none when 0. */
    public RestoredTier restoredTier(long maxBytes) {
        return maxBytes == 0 ? RestoredTier.none() : new StoredRestoredTier(new S3TierObjects(objects), maxBytes);
    }

    /**
     * Asks the server whether the bucket answers and, unless {@code assets.s3.conditionalWrites} is off, whether it
     * refuses a second {@code If-None-Match: *} write of one key, which cross-node locks rely on.
     *
     * @throws AssetUnavailable if the server does not answer now (it may later)
     * @throws AssetException   if it refuses (credentials, no such bucket) or ignores the condition; the message
     *                          says which, and names no credential
     */
    public void verify() {
        try {
            blobs.verify();
        } catch (StoreUnreachable e) {
            throw new AssetUnavailable("object store " + objects + " is not answering: " + e.getMessage(),
                    e.retryAfter(), e);
        } catch (IOException e) {
            throw new AssetException(e.getMessage(), e);
        }
    }

    /** Endpoint, bucket and prefix (no credentials). */
    @Override
    public String toString() {
        return objects.toString();
    }

    @Override
    public void close() {
        objects.close();
    }
}
