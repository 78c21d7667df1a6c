package dev.iris.measure;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * What a site would run instead of iris to resize on the fly, timed on the same source JPEG: {@code vipsthumbnail}
 * (libvips' command line, process start included) and nginx's {@code image_filter} (GD; a fresh resize per
 * request, over loopback). Each is skipped, as {@code NaN}, when not installed. Not thread-safe.
 */
final class ResizeBaselines {
    private static final int RUNS = 5;
    private static final Path NGINX = Path.of("/usr/sbin/nginx");
    private static final Path IMAGE_FILTER = Path.of("/usr/lib/nginx/modules/ngx_http_image_filter_module.so");

    private ResizeBaselines() {}

    /** First and median of {@value #RUNS} further runs, ms, of each tool resizing the source to a width. */
    record Times(double vipsFirstMs, double vipsMedianMs, double nginxFirstMs, double nginxMedianMs) {}

    static Times measure(Path source, int width, Path scratch) throws Exception {
        double[] vips = vips(source, width, scratch);
        double[] nginx = nginx(source, width, scratch);
        return new Times(vips[0], vips[1], nginx[0], nginx[1]);
    }

    private static double[] vips(Path source, int width, Path scratch) throws Exception {
        if (!onPath("vipsthumbnail")) {
            return new double[] {Double.NaN, Double.NaN};
        }
        double[] ms = new double[RUNS + 1];
        for (int i = 0; i <= RUNS; i++) {
            Path out = scratch.resolve("vips-" + i + ".jpg");
            long t = System.nanoTime();
            Process p = new ProcessBuilder("vipsthumbnail", source.toString(), "--size", Integer.toString(width),
                    "-o", out + "[Q=85]").redirectErrorStream(true).start();
            p.getInputStream().transferTo(java.io.OutputStream.nullOutputStream());
            if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0 || !Files.exists(out)) {
                throw new IllegalStateException("vipsthumbnail failed on " + source);
            }
            ms[i] = (System.nanoTime() - t) / 1e6;
        }
        return firstAndMedian(ms);
    }

    private static double[] nginx(Path source, int width, Path scratch) throws Exception {
        if (!Files.isExecutable(NGINX) || !Files.exists(IMAGE_FILTER)) {
            return new double[] {Double.NaN, Double.NaN};
        }
        Path dir = Files.createDirectories(scratch.resolve("nginx"));
        Files.createDirectories(dir.resolve("logs"));
        Files.copy(source, dir.resolve("source.jpg"), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        int port;
        try (ServerSocket socket = new ServerSocket(0)) {
            port = socket.getLocalPort();
        }
        Files.writeString(dir.resolve("nginx.conf"), """
                load_module %s;
                user root;
                worker_processes 1;
                pid %s/nginx.pid;
                error_log %s/logs/error.log;
                events { worker_connections 64; }
                http {
                    access_log off;
                    client_body_temp_path %s/tmp;
                    server {
                        listen 127.0.0.1:%d;
                        root %s;
                        location /resize/ {
                            alias %s/;
                            image_filter resize %d -;
                            image_filter_jpeg_quality 85;
                            image_filter_buffer 64M;
                        }
                    }
                }
                """.formatted(IMAGE_FILTER, dir, dir, dir, port, dir, dir, width));
        List<String> base = List.of(NGINX.toString(), "-p", dir.toString(), "-c", dir.resolve("nginx.conf").toString());
        run(base);
        try {
            HttpClient http = HttpClient.newHttpClient();
            URI uri = URI.create("http://127.0.0.1:" + port + "/resize/source.jpg");
            for (int i = 0; i < 50 && !up(http, uri); i++) {
                Thread.sleep(100);
            }
            double[] ms = new double[RUNS + 1];
            for (int i = 0; i <= RUNS; i++) {
                long t = System.nanoTime();
                HttpResponse<byte[]> r = http.send(HttpRequest.newBuilder(uri).build(),
                        HttpResponse.BodyHandlers.ofByteArray());
                ms[i] = (System.nanoTime() - t) / 1e6;
                if (r.statusCode() != 200) {
                    throw new IllegalStateException("nginx image_filter answered " + r.statusCode());
                }
            }
            return firstAndMedian(ms);
        } finally {
            run(concat(base, List.of("-s", "stop")));
        }
    }

    private static boolean up(HttpClient http, URI uri) {
        try {
            http.send(HttpRequest.newBuilder(uri).method("HEAD", HttpRequest.BodyPublishers.noBody()).build(),
                    HttpResponse.BodyHandlers.discarding());
            return true;
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    private static void run(List<String> command) throws Exception {
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        String output = new String(p.getInputStream().readAllBytes());
        if (!p.waitFor(30, TimeUnit.SECONDS) || p.exitValue() != 0) {
            throw new IllegalStateException(String.join(" ", command) + " failed: " + output);
        }
    }

    private static List<String> concat(List<String> a, List<String> b) {
        return java.util.stream.Stream.concat(a.stream(), b.stream()).toList();
    }

    private static boolean onPath(String tool) {
        return Arrays.stream(System.getenv().getOrDefault("PATH", "").split(":"))
                .anyMatch(dir -> Files.isExecutable(Path.of(dir, tool)));
    }

    private static double[] firstAndMedian(double[] ms) {
        double[] rest = Arrays.copyOfRange(ms, 1, ms.length);
        Arrays.sort(rest);
        return new double[] {ms[0], rest[rest.length / 2]};
    }
}
