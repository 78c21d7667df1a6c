package dev.iris.asset;

import dev.iris.config.IrisConfig;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.time.Instant;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;
import java.util.function.Supplier;
import software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider;
import software.amazon.awssdk.core.exception.ApiCallAttemptTimeoutException;
import software.amazon.awssdk.core.exception.ApiCallTimeoutException;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.http.SdkHttpClient;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.awscore.retry.AwsRetryStrategy;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.S3ClientBuilder;
import software.amazon.awssdk.services.s3.model.GetObjectResponse;
import software.amazon.awssdk.services.s3.model.HeadObjectResponse;
import software.amazon.awssdk.services.s3.model.ListObjectsV2Request;
import software.amazon.awssdk.services.s3.model.NoSuchKeyException;
import software.amazon.awssdk.services.s3.model.PutObjectRequest;
import software.amazon.awssdk.services.s3.model.S3Exception;
import software.amazon.awssdk.services.s3.model.S3Object;

/**
 * The few S3 calls iris makes, on one bucket under one prefix, with failures sorted once: "absent" and "the
 * condition did not hold" are answers; a timeout, a refused connection, a 5xx or throttling is
 * {@link StoreUnreachable}; anything else (access denied, no such bucket) is a plain {@link IOException}.
 * Thread-safe; one per bucket and prefix; closing it closes the client.
 *
 * <p>After a call finds the server unreachable, calls fail at once for one time limit ({@code timeout}) instead of
 * each waiting out its own: with the store down, requests that need it get their 503 immediately, and one call per
 * period finds out whether it is back.
 *
 * <p>Keys given here are relative to the prefix. Credentials come from the SDK's default chain; nothing here
 * reads, holds or logs them.
 */
final class S3Objects implements AutoCloseable {
    /** User metadata naming the write that made an object: tells a retried write that its first attempt landed. */
    static final String TOKEN = "iris-write";

    private final SdkHttpClient http;
    private final S3Client client;
    /** The same, without retries: for conditional writes, whose outcome a HEAD settles instead (see below). */
    private final S3Client once;
    private final String bucket;
    private final String prefix;
    private final Duration timeout;
    private final String where;
    private volatile long unreachableUntil;

    /** What a HEAD or GET says about an object; {@code serverTime} is the server's clock when it answered. */
    record Head(String etag, Optional<String> token, Instant lastModified, Optional<Instant> serverTime) {}

    /** An object's bytes with what was current when they were read. */
    record Got(byte[] bytes, Head head) {}

    /** One object of a listing. */
    record Listed(String key, long bytes, Instant lastModified) {}

    S3Objects(IrisConfig.S3 config) {
        this.bucket = config.bucket();
        this.prefix = config.prefix();
        this.timeout = config.timeout();
        this.where = config.endpoint().map(Object::toString).orElse("s3:" + config.region()) + "/" + bucket + "/"
                + prefix;
        this.http = UrlConnectionHttpClient.builder()
                .connectionTimeout(min(timeout, Duration.ofSeconds(2)))
                .socketTimeout(timeout)
                .build();
        var credentials = DefaultCredentialsProvider.builder().build();
        this.client = client(config, credentials).build();
        this.once = client(config, credentials)
                .overrideConfiguration(o -> o.apiCallTimeout(timeout).apiCallAttemptTimeout(timeout)
                        .retryStrategy(AwsRetryStrategy.doNotRetry()))
                .build();
    }

    private S3ClientBuilder client(IrisConfig.S3 config, DefaultCredentialsProvider credentials) {
        S3ClientBuilder builder = S3Client.builder()
                .region(Region.of(config.region()))
                .forcePathStyle(config.pathStyle())
                .credentialsProvider(credentials)
                .httpClient(http)
                // Small bodies go out with their headers at once; waiting for "100 Continue" costs a round trip,
                // and the JDK's client reports a refusal sent instead of it as a failed write anyway.
                .serviceConfiguration(c -> c.expectContinueEnabled(false))
                .overrideConfiguration(o -> o.apiCallTimeout(timeout).apiCallAttemptTimeout(timeout));
        config.endpoint().ifPresent(builder::endpointOverride);
        return builder;
    }

    /** The bucket and prefix, for logs and the health page (no credentials). */
    @Override
    public String toString() {
        return where;
    }

    Duration timeout() {
        return timeout;
    }

    Optional<Head> head(String key) throws IOException {
        return call("head", key, () -> {
            try {
                HeadObjectResponse r = client.headObject(b -> b.bucket(bucket).key(prefix + key));
                return Optional.of(new Head(r.eTag(), Optional.ofNullable(r.metadata().get(TOKEN)), r.lastModified(),
                        serverTime(r.sdkHttpResponse().firstMatchingHeader("Date"))));
            } catch (NoSuchKeyException e) {
                return Optional.empty();
            } catch (S3Exception e) {
                if (e.statusCode() == 404) { // a HEAD has no body, so no error code to make it NoSuchKey
                    return Optional.empty();
                }
                throw e;
            }
        });
    }

    Optional<Got> get(String key) throws IOException {
        return call("get", key, () -> {
            try {
                var r = client.getObjectAsBytes(b -> b.bucket(bucket).key(prefix + key));
                return Optional.of(new Got(r.asByteArrayUnsafe(), headOf(r.response())));
            } catch (NoSuchKeyException e) {
                return Optional.empty();
            }
        });
    }

    /** The object as a stream the caller closes (for large objects read as they arrive), if it exists. */
    Optional<InputStream> open(String key) throws IOException {
        return call("get", key, () -> {
            try {
                return Optional.of(client.getObject(b -> b.bucket(bucket).key(prefix + key)));
            } catch (NoSuchKeyException e) {
                return Optional.empty();
            }
        });
    }

    /** Writes unconditionally, tagged with {@code token}. */
    void put(String key, byte[] bytes, String token) throws IOException {
        call("put", key, () -> client.putObject(b -> b.bucket(bucket).key(prefix + key).metadata(Map.of(TOKEN, token)),
                RequestBody.fromBytes(bytes)));
    }

    /** Writes only if no object is there ({@code If-None-Match: *}); false if one was. */
    boolean putIfAbsent(String key, byte[] bytes, String token) throws IOException {
        return create(key, bytes, token).isPresent();
    }

    /** Like {@link #putIfAbsent}, answering the new object's ETag when it wrote one. */
    Optional<String> create(String key, byte[] bytes, String token) throws IOException {
        return conditional(key, bytes, token, null);
    }

    /** Writes only if the object's ETag is still {@code etag} ({@code If-Match}); false if it was not. */
    boolean putIfMatch(String key, byte[] bytes, String token, String etag) throws IOException {
        return conditional(key, bytes, token, etag).isPresent();
    }

    /**
     * A conditional write ({@code If-Match: ifMatch}, or {@code If-None-Match: *} when {@code ifMatch} is null):
     * the ETag written, or empty when the condition did not hold. When the answer is a 412 or never arrives, the
     * object itself says what happened, by its token: the SDK retries a write whose answer was lost, and the retry of
     * one that had landed answers 412; and a server that refuses a write before reading its body (as S3Proxy does)
     * cuts the connection under the JDK's client, which reports "Error writing request body" instead of the 412.
     */
    private Optional<String> conditional(String key, byte[] bytes, String token, String ifMatch) throws IOException {
        try {
            return call("put", key, () -> {
                try {
                    return Optional.of(once.putObject(b -> {
                        b.bucket(bucket).key(prefix + key).metadata(Map.of(TOKEN, token));
                        if (ifMatch == null) {
                            b.ifNoneMatch("*");
                        } else {
                            b.ifMatch(ifMatch);
                        }
                    }, RequestBody.fromBytes(bytes)).eTag());
                } catch (S3Exception e) {
                    if (e.statusCode() == 412 || e.statusCode() == 409) { // 409: a concurrent conditional write won
                        return Optional.<String>empty();
                    }
                    throw e;
                }
            }).or(() -> ours(key, token));
        } catch (StoreUnreachable unanswered) {
            Optional<Head> now;
            unreachableUntil = 0; // ask at once: the write's own failure opened the back-off
            try {
                now = head(key);
            } catch (IOException | RuntimeException again) {
                throw unanswered;
            }
            if (now.isPresent() && now.get().token().filter(token::equals).isPresent()) {
                return Optional.of(now.get().etag()); // it landed
            }
            boolean refused = ifMatch == null ? now.isPresent() : now.map(h -> !h.etag().equals(ifMatch)).orElse(true);
            if (refused) {
                return Optional.empty();
            }
            throw unanswered;
        }
    }

    /** The ETag of {@code key} if the object there carries {@code token}: a retried write that had landed. */
    private Optional<String> ours(String key, String token) {
        try {
            return head(key).filter(h -> h.token().filter(token::equals).isPresent()).map(Head::etag);
        } catch (IOException e) {
            return Optional.empty();
        }
    }

    /** Deletes the object; no error if there is none. */
    void delete(String key) throws IOException {
        call("delete", key, () -> client.deleteObject(b -> b.bucket(bucket).key(prefix + key)));
    }

    /** Deletes the object only if its ETag is still {@code etag}; false if it was not. */
    boolean deleteIfMatch(String key, String etag) throws IOException {
        return call("delete", key, () -> {
            try {
                client.deleteObject(b -> b.bucket(bucket).key(prefix + key).ifMatch(etag));
                return true;
            } catch (S3Exception e) {
                if (e.statusCode() == 412 || e.statusCode() == 404) {
                    return false;
                }
                throw e;
            }
        });
    }

    /**
     * The objects whose keys start with {@code under} (relative to the prefix): all of them, or with
     * {@code flat} only those with no further '/' after it.
     */
    List<Listed> list(String under, boolean flat) throws IOException {
        return call("list", under + "*", () -> {
            ListObjectsV2Request.Builder request = ListObjectsV2Request.builder().bucket(bucket).prefix(prefix + under);
            if (flat) {
                request.delimiter("/");
            }
            List<Listed> out = new ArrayList<>();
            for (var page : client.listObjectsV2Paginator(request.build())) {
                for (S3Object o : page.contents()) {
                    out.add(new Listed(o.key().substring(prefix.length()), o.size(), o.lastModified()));
                }
            }
            return out;
        });
    }

    /** Whether the bucket answers: a listing of at most one key. */
    void ping() throws IOException {
        call("list", "", () -> client.listObjectsV2(b -> b.bucket(bucket).prefix(prefix).maxKeys(1)));
    }

    private <T> T call(String what, String key, Supplier<T> op) throws IOException {
        long until = unreachableUntil;
        if (until != 0 && System.nanoTime() - until < 0) {
            throw new StoreUnreachable("object store " + where + " was unreachable moments ago; not asking again "
                    + "yet", Duration.ofNanos(until - System.nanoTime()), null);
        }
        try {
            T result = op.get();
            unreachableUntil = 0;
            return result;
        } catch (S3Exception e) {
            int status = e.statusCode();
            String code = e.awsErrorDetails() == null ? "" : " " + e.awsErrorDetails().errorCode();
            String message = "object store " + where + ": " + what + " " + key + " answered " + status + code;
            if (status >= 500 || status == 429) {
                throw unreachable(message, e);
            }
            throw new IOException(message, e);
        } catch (SdkClientException e) {
            if (isNetwork(e)) {
                throw unreachable("object store " + where + ": " + what + " " + key + " failed: " + e.getMessage(), e);
            }
            throw new IOException("object store " + where + ": " + what + " " + key + ": " + e.getMessage(), e);
        } catch (UncheckedIOException e) {
            throw unreachable("object store " + where + ": " + what + " " + key + " failed: " + e.getMessage(), e);
        }
    }

    private StoreUnreachable unreachable(String message, Exception cause) {
        unreachableUntil = System.nanoTime() + timeout.toNanos();
        return new StoreUnreachable(message, timeout, cause);
    }

    /** A timeout or an I/O failure underneath, as opposed to a client-side refusal (no credentials, say). */
    private static boolean isNetwork(SdkClientException e) {
        if (e instanceof ApiCallTimeoutException || e instanceof ApiCallAttemptTimeoutException) {
            return true;
        }
        for (Throwable t = e.getCause(); t != null; t = t.getCause()) {
            if (t instanceof IOException) {
                return true;
            }
        }
        return false;
    }

    private static Head headOf(GetObjectResponse r) {
        return new Head(r.eTag(), Optional.ofNullable(r.metadata().get(TOKEN)), r.lastModified(),
                serverTime(r.sdkHttpResponse().firstMatchingHeader("Date")));
    }

    private static Optional<Instant> serverTime(Optional<String> date) {
        try {
            return date.map(d -> ZonedDateTime.parse(d, DateTimeFormatter.RFC_1123_DATE_TIME).toInstant());
        } catch (RuntimeException e) {
            return Optional.empty();
        }
    }

    private static Duration min(Duration a, Duration b) {
        return a.compareTo(b) <= 0 ? a : b;
    }

    @Override
    public void close() {
        client.close();
        once.close();
        http.close(); // given to the clients, so theirs to use and ours to close
    }
}
