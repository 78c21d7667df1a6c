package dev.iris.asset;

import dev.iris.config.IrisConfig;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * A real S3-compatible server for tests: S3Proxy's self-contained jar (fetched by Maven into
 * {@code target/s3proxy/}, path in system property {@code irisTest.s3proxyJar}), run as a separate java process on
 * a loopback ephemeral port with its filesystem backend, so its data survives a restart. Requests are signed and
 * checked (AWS v4) with a fixed test identity, which this class also hands to the SDK's default credential chain
 * (system properties here, environment for child processes). Not a test double: the same server a site can run.
 *
 * <p>{@link #shared()} is one server for every test in the JVM that never stops it; tests that stop, restart or
 * pause the server {@link #start} their own.
 */
public final class S3ProxyProcess implements AutoCloseable {
    public static final String BUCKET = "iris-test";
    public static final String IDENTITY = "iris-test-identity";
    public static final String CREDENTIAL = "iris-test-credential";
    private static S3ProxyProcess shared;

    private final Path dir;
    private final int port;
    private Process process;

    static {
        // The SDK's default chain reads these first; child iris processes get them as environment variables.
        System.setProperty("aws.accessKeyId", IDENTITY);
        System.setProperty("aws.secretAccessKey", CREDENTIAL);
    }

    private S3ProxyProcess(Path dir, int port) {
        this.dir = dir;
        this.port = port;
    }

    /** The JVM-wide server, started on first use and stopped when the JVM exits. */
    public static synchronized S3ProxyProcess shared() {
        if (shared == null) {
            try {
                Path dir = Files.createTempDirectory("iris-s3proxy-");
                shared = start(dir);
                S3ProxyProcess server = shared;
                Runtime.getRuntime().addShutdownHook(new Thread(server::close));
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return shared;
    }

    /** A server of its own, keeping its blobs under {@code dir}, with bucket {@link #BUCKET} in it. */
    public static S3ProxyProcess start(Path dir) {
        try {
            Files.createDirectories(dir.resolve("blobs").resolve(BUCKET)); // a directory is a bucket to this backend
            S3ProxyProcess server = new S3ProxyProcess(dir, freePort());
            server.launch();
            return server;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private void launch() throws IOException {
        Path jar = Path.of(System.getProperty("irisTest.s3proxyJar", "target/s3proxy/s3proxy.jar"));
        if (!Files.isRegularFile(jar)) {
            throw new IllegalStateException("no S3Proxy jar at " + jar + ": run the tests through Maven (mvn test), "
                    + "whose process-test-resources phase fetches org.gaul:s3proxy:jar-with-dependencies");
        }
        Path properties = dir.resolve("s3proxy.properties");
        Files.writeString(properties, String.join("\n",
                "s3proxy.endpoint=http://127.0.0.1:" + port,
                "s3proxy.authorization=aws-v2-or-v4",
                "s3proxy.identity=" + IDENTITY,
                "s3proxy.credential=" + CREDENTIAL,
                "jclouds.provider=filesystem-nio2",
                "jclouds.filesystem.basedir=" + dir.resolve("blobs"),
                ""));
        ProcessBuilder builder = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx192m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1", "-jar", jar.toString(),
                "--properties", properties.toString())
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(dir.resolve("s3proxy.log").toFile()));
        builder.environment().put("LOG_LEVEL", "warn");
        process = builder.start();
        awaitAnswer(Duration.ofSeconds(60));
    }

    /** Waits until the server answers HTTP (any status: unsigned requests are refused, which is an answer). */
    private void awaitAnswer(Duration limit) throws IOException {
        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(1)).build();
        long deadline = System.nanoTime() + limit.toNanos();
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new IllegalStateException("S3Proxy exited with " + process.exitValue() + ": "
                        + Files.readString(dir.resolve("s3proxy.log")));
            }
            try {
                http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/"))
                        .timeout(Duration.ofSeconds(2)).build(), HttpResponse.BodyHandlers.discarding());
                return;
            } catch (IOException notYet) {
                sleep(100);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
        }
        process.destroyForcibly();
        throw new IllegalStateException("S3Proxy did not answer on port " + port + " within " + limit);
    }

    public int port() {
        return port;
    }

    public URI endpoint() {
        return URI.create("http://127.0.0.1:" + port);
    }

    /** iris's configuration keys for this server's bucket under {@code prefix} (empty, or ending in '/'). */
    public Map<String, String> irisKeys(String prefix) {
        Map<String, String> keys = new LinkedHashMap<>();
        keys.put("assets.store", "s3");
        keys.put("assets.s3.endpoint", endpoint().toString());
        keys.put("assets.s3.bucket", BUCKET);
        keys.put("assets.s3.prefix", prefix);
        keys.put("assets.s3.pathStyle", "true");
        return keys;
    }

    /** The typed configuration of this server's bucket under {@code prefix}, with a time limit per call. */
    public IrisConfig.S3 config(String prefix, Duration timeout) {
        return new IrisConfig.S3(Optional.of(endpoint()), BUCKET, prefix, "us-east-1", true, true, timeout);
    }

    /** The credentials, as the environment of a child process (the SDK's default chain reads them there). */
    public static Map<String, String> credentialsEnvironment() {
        return Map.of("AWS_ACCESS_KEY_ID", IDENTITY, "AWS_SECRET_ACCESS_KEY", CREDENTIAL);
    }

    /** Stops the server (its blobs stay on disk); connections are refused until {@link #restart()}. */
    public void stop() {
        process.destroy();
        try {
            if (!process.waitFor(20, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Starts it again on the same port with the same blobs. */
    public void restart() {
        try {
            launch();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Resumes a paused server and restarts a stopped one: a test that failed half-way leaves it usable. */
    public void ensureRunning() {
        if (process.isAlive()) {
            resume();
        } else {
            restart();
        }
    }

    /**
     * Freezes the server (SIGSTOP): it keeps its port, the kernel keeps accepting connections, and nothing answers,
     * which is what a store slower than any time limit looks like. {@link #resume()} undoes it.
     */
    public void pause() {
        signal("-STOP");
    }

    public void resume() {
        signal("-CONT");
    }

    private void signal(String signal) {
        try {
            Process kill = new ProcessBuilder(List.of("kill", signal, Long.toString(process.pid()))).start();
            if (!kill.waitFor(10, TimeUnit.SECONDS) || kill.exitValue() != 0) {
                throw new IllegalStateException("kill " + signal + " " + process.pid() + " failed");
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    @Override
    public void close() {
        if (process != null && process.isAlive()) {
            resume(); // a paused process ignores SIGTERM until it runs again
            stop();
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
