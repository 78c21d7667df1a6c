package dev.iris.web;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Assumptions;

/**
 * Debian's nginx on loopback for tests, running a server configuration from {@code conf/nginx/} inside a minimal
 * {@code nginx.conf} of its own (pid, logs and temporary files under the test's directory). CI installs nginx;
 * elsewhere the tests that need it are skipped when it is missing. Close it after use.
 */
final class NginxProcess implements AutoCloseable {
    static final Path NGINX = Path.of("/usr/sbin/nginx");

    private final Process process;
    private final int port;
    private final Path prefix;

    private NginxProcess(Process process, int port, Path prefix) {
        this.process = process;
        this.port = port;
        this.prefix = prefix;
    }

    /** Skips the calling test where nginx is not installed, except in CI, where its absence is a failure. */
    static void assumeInstalled() {
        if (System.getenv("CI") == null) {
            Assumptions.assumeTrue(Files.isExecutable(NGINX), "nginx not installed (apt-get install nginx)");
        }
    }

    /**
     * Starts nginx with {@code serverConf} (the text of a file from {@code conf/nginx/}, its addresses already
     * substituted) included in its http block; {@code listen 80;} in it becomes a free loopback port.
     */
    static NginxProcess start(Path tmp, String serverConf) throws Exception {
        Path prefix = Files.createDirectories(tmp.resolve("nginx"));
        Files.createDirectories(prefix.resolve("logs"));
        int port = freePort();
        Files.writeString(prefix.resolve("server.conf"), serverConf
                .replace("listen 80;", "listen 127.0.0.1:" + port + ";"));
        Files.writeString(prefix.resolve("nginx.conf"), """
                user root;
                worker_processes 1;
                pid %s/nginx.pid;
                error_log %s/logs/error.log warn;
                events { worker_connections 256; }
                http {
                    access_log off;
                    client_body_temp_path %s/body;
                    proxy_temp_path %s/proxy;
                    include %s/server.conf;
                }
                """.formatted(prefix, prefix, prefix, prefix, prefix));
        Process nginx = new ProcessBuilder(NGINX.toString(), "-p", prefix.toString(), "-c",
                prefix.resolve("nginx.conf").toString(), "-g", "daemon off;")
                .redirectErrorStream(true).redirectOutput(prefix.resolve("logs/stdout.log").toFile()).start();
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (System.nanoTime() < deadline) {
            try (var socket = new java.net.Socket("127.0.0.1", port)) {
                return new NginxProcess(nginx, port, prefix);
            } catch (IOException notYet) {
                if (!nginx.isAlive()) {
                    throw new IllegalStateException("nginx exited: "
                            + Files.readString(prefix.resolve("logs/stdout.log")));
                }
                Thread.sleep(50);
            }
        }
        nginx.destroy();
        throw new IllegalStateException("nginx did not start listening on " + port);
    }

    int port() {
        return port;
    }

    /** nginx's error log so far, for failure messages. */
    String errorLog() throws IOException {
        Path log = prefix.resolve("logs/error.log");
        return Files.exists(log) ? Files.readString(log) : "";
    }

    static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }

    @Override
    public void close() throws InterruptedException {
        process.destroy();
        process.waitFor();
    }
}
