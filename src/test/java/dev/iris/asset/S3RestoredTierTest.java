package dev.iris.asset;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;

/** The restored-tier contract in a real S3Proxy bucket, each test under a prefix of its own. */
class S3RestoredTierTest extends RestoredTierContract {
    private static final AtomicInteger TESTS = new AtomicInteger();
    private final List<S3Bucket> buckets = new ArrayList<>();
    private String prefix;

    @BeforeEach
    void newPrefix() {
        prefix = "tier-" + TESTS.incrementAndGet() + "-" + System.nanoTime() + "/";
    }

    @AfterEach
    void closeBuckets() {
        closeTiers(); // before their clients
        buckets.forEach(S3Bucket::close);
    }

    private S3Bucket bucket() {
        S3Bucket bucket = S3Bucket.open(S3ProxyProcess.shared().config(prefix, Duration.ofSeconds(10)));
        buckets.add(bucket);
        return bucket;
    }

    @Override
    RestoredTier open(long maxBytes) {
        return bucket().restoredTier(maxBytes);
    }

    @Override
    TierObjects objects() {
        return new S3TierObjects(new S3Objects(S3ProxyProcess.shared().config(prefix, Duration.ofSeconds(10))));
    }
}
