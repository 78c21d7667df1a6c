package dev.iris.web;

import dev.iris.asset.S3ProxyProcess;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * iris as its own operating-system process ({@code dev.iris.server.Main serve}, this JVM's class path, real models),
 * so that a test can kill it the way a machine dies: SIGKILL, mid-request. Its output goes to a log file in the
 * test's directory. Close it after use.
 */
final class IrisProcess implements AutoCloseable {
    private static final Pattern SERVING = Pattern.compile("iris: serving on http://localhost:(\\d+)/");

    private final Process process;
    private final Path log;
    private final int port;

    private IrisProcess(Process process, Path log, int port) {
        this.process = process;
        this.log = log;
        this.port = port;
    }

    /** Starts {@code iris serve} on a free loopback port with test defaults and {@code keys} (config keys). */
    static IrisProcess start(Path dir, Map<String, String> keys) throws Exception {
        Files.createDirectories(dir.resolve("webapp"));
        List<String> command = new ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "--enable-native-access=ALL-UNNAMED", "-Xmx768m", "-cp", System.getProperty("java.class.path"),
                "dev.iris.server.Main", "serve",
                "--server.port=0", "--server.host=127.0.0.1",
                "--server.webappDir=" + dir.resolve("webapp"),
                "--assets.dir=" + dir.resolve("assets"),
                "--assets.demoDir=",
                "--assets.ingestToken=" + IrisTestServer.TOKEN,
                "--models.dir=" + IrisTestServer.MODELS.toAbsolutePath()));
        keys.forEach((k, v) -> command.add("--" + k + "=" + v));
        Path log = dir.resolve("iris.log");
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(log.toFile());
        builder.environment().putAll(S3ProxyProcess.credentialsEnvironment());
        builder.environment().put("MALLOC_ARENA_MAX", "2");
        Process process = builder.start();
        long deadline = System.nanoTime() + Duration.ofSeconds(120).toNanos();
        while (System.nanoTime() < deadline) {
            Matcher serving = SERVING.matcher(Files.readString(log));
            if (serving.find()) {
                return new IrisProcess(process, log, Integer.parseInt(serving.group(1)));
            }
            if (!process.isAlive()) {
                throw new IllegalStateException("iris exited with " + process.exitValue() + ":\n"
                        + Files.readString(log));
            }
            Thread.sleep(100);
        }
        process.destroyForcibly();
        throw new IllegalStateException("iris did not start within 120 s:\n" + Files.readString(log));
    }

    int port() {
        return port;
    }

    URI uri(String pathAndQuery) {
        return URI.create("http://127.0.0.1:" + port + pathAndQuery);
    }

    /** SIGKILL: no shutdown hook, no draining; connections in flight are cut. */
    void kill() throws InterruptedException {
        process.destroyForcibly();
        process.waitFor(30, TimeUnit.SECONDS);
    }

    String log() throws IOException {
        return Files.readString(log);
    }

    @Override
    public void close() throws InterruptedException {
        if (process.isAlive()) {
            process.destroy();
            if (!process.waitFor(20, TimeUnit.SECONDS)) {
                kill();
            }
        }
    }
}
