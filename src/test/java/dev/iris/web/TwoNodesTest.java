package dev.iris.web;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.iris.asset.S3ProxyProcess;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two iris nodes on one S3 bucket (S3Proxy) behind nginx running the documented {@code conf/nginx/iris-cluster.conf}:
 * node A is its own process, so that it can be killed for real (SIGKILL, mid-traffic); node B runs in this JVM,
 * which lets the test read its metrics cheaply. Ingested through A, served by B; replaced through A, B serves the
 * new version within the metadata staleness; a restore A made is served by B from the restored tier without a
 * model run; A killed while requests flow, every request through nginx still answers 200.
 */
class TwoNodesTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Duration STALENESS = Duration.ofSeconds(1);
    private static final String AUTH = "Bearer " + IrisTestServer.TOKEN;
    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5)).build();

    @Test
    @Timeout(600)
    void ingestOnA_servedByB_replacedWithinTheStaleness_andNginxFailsOverWhenAIsKilled(@TempDir Path tmp)
            throws Exception {
        NginxProcess.assumeInstalled();
        Map<String, String> keys = new HashMap<>(S3ProxyProcess.shared().irisKeys("two-nodes-" + System.nanoTime()
                + "/"));
        keys.put("assets.metaStalenessMs", Long.toString(STALENESS.toMillis()));
        keys.put("limits.modelThreads", "1");
        try (IrisProcess a = IrisProcess.start(tmp.resolve("a"), keys);
                IrisTestServer b = IrisTestServer.start(tmp.resolve("b"), keys)) {
            String conf = Files.readString(Path.of("conf/nginx/iris-cluster.conf"))
                    .replace("server 10.0.0.11:8080", "server 127.0.0.1:" + a.port())
                    .replace("server 10.0.0.12:8080", "server 127.0.0.1:" + b.uri("/").getPort());
            try (NginxProcess nginx = NginxProcess.start(tmp, conf)) {
                Cluster cluster = new Cluster(a, b, nginx);
                Map<String, List<String>> byNode = cluster.namesByNode(2);
                List<String> onA = byNode.get("A");
                List<String> onB = byNode.get("B");
                int scale = b.firstModelScale();

                // Ingested through A (directly, not through nginx), served by B.
                for (String name : concat(onA, onB)) {
                    assertEquals(201, status(put(a.uri("/iris/assets/" + name + "?scale=" + scale), "photo.png")));
                }
                for (String name : concat(onA, onB)) {
                    awaitStatus(() -> b.get("/img/" + name + ".jpg?w=64").statusCode(), 200, STALENESS.multipliedBy(3));
                }

                // A's ingests keep the restores they made in the bucket's restored tier, one per image.
                String restoredOnA = onA.getFirst();
                assertEquals(200, status(get(cluster.viaNginx("/img/" + restoredOnA + ".png"))));
                awaitStatus(() -> (int) RestoredTierServingTest.sample(text(get(a.uri("/iris/metrics"))),
                        "iris_restored_tier_writes_total{outcome=\"stored\"}"), onA.size() + onB.size(),
                        Duration.ofSeconds(30));

                // Replaced through A: B serves the new version within the staleness bound.
                String replaced = onB.getFirst();
                String before = version(b, replaced);
                byte[] oldImage = get(cluster.viaNginx("/img/" + replaced + ".jpg?w=64")).body();
                assertEquals(200, status(put(a.uri("/iris/assets/" + replaced + "?scale=" + scale), "ladybird.png")));
                long replacedAt = System.nanoTime();
                while (version(b, replaced).equals(before)) {
                    Duration waited = Duration.ofNanos(System.nanoTime() - replacedAt);
                    assertTrue(waited.compareTo(STALENESS.plusMillis(1500)) < 0, "B still serves the old version "
                            + "after " + waited);
                    Thread.sleep(50);
                }
                assertFalse(java.util.Arrays.equals(oldImage,
                        get(cluster.viaNginx("/img/" + replaced + ".jpg?w=64")).body()), "nginx still gets the old one");

                // A killed mid-traffic: nginx passes A's requests to B, and every one of them is answered.
                List<URI> urls = new ArrayList<>();
                for (String name : concat(onA, onB)) {
                    urls.add(cluster.viaNginx("/img/" + name + ".jpg?w=64"));
                    urls.add(cluster.viaNginx("/img/" + name + ".webp?w=40&h=40"));
                }
                double servedByBBefore = cluster.served(b);
                Traffic traffic = new Traffic(urls);
                Thread load = Thread.ofPlatform().start(traffic);
                Thread.sleep(1000);
                a.kill();
                int sentBeforeKill = traffic.sent();
                Thread.sleep(3000);
                traffic.stop();
                load.join();
                assertEquals(Map.of(200, traffic.sent()), traffic.statuses(), "statuses of " + traffic.sent()
                        + " requests: " + traffic.statuses() + "\n" + nginx.errorLog());
                assertTrue(traffic.sent() - sentBeforeKill > urls.size(), "too few requests after the kill");
                assertTrue(cluster.served(b) - servedByBBefore > traffic.sent() - sentBeforeKill - urls.size(),
                        "B did not take over A's images");

                // With A gone, B serves A's full-size restore from the tier: no model run on B, ever.
                assertEquals(200, status(get(cluster.viaNginx("/img/" + restoredOnA + ".png"))));
                String metrics = new String(b.get("/iris/metrics").body());
                assertEquals(1.0, RestoredTierServingTest.sample(metrics,
                        "iris_restored_tier_reads_total{result=\"hit\"}"), metrics);
                assertEquals(0.0, RestoredTierServingTest.sample(metrics,
                        "iris_model_run_seconds_count{outcome=\"ok\"}"), metrics);
            }
        }
    }

    /** The two nodes and nginx, and which node answered what. */
    private final class Cluster {
        private final IrisProcess a;
        private final IrisTestServer b;
        private final NginxProcess nginx;

        Cluster(IrisProcess a, IrisTestServer b, NginxProcess nginx) {
            this.a = a;
            this.b = b;
            this.nginx = nginx;
        }

        URI viaNginx(String pathAndQuery) {
            return URI.create("http://127.0.0.1:" + nginx.port() + pathAndQuery);
        }

        /** Image requests a node has answered, whatever their status. */
        double served(IrisProcess node) {
            return requests(text(get(node.uri("/iris/metrics"))));
        }

        double served(IrisTestServer node) {
            return requests(new String(node.get("/iris/metrics").body()));
        }

        /**
         * {@code count} names for each node, found by asking nginx for images that do not exist yet (the node the
         * hash picks answers 404, and counts it) twice each: the hash must send both to the same node.
         */
        Map<String, List<String>> namesByNode(int count) {
            Map<String, List<String>> found = new TreeMap<>(Map.of("A", new ArrayList<>(), "B", new ArrayList<>()));
            for (int i = 0; found.values().stream().anyMatch(l -> l.size() < count); i++) {
                assertTrue(i < 64, "the hash sent 64 names to one node: " + found);
                String name = "img" + i;
                double beforeA = served(a);
                double beforeB = served(b);
                assertEquals(404, status(get(viaNginx("/img/" + name + ".jpg?w=64"))));
                assertEquals(404, status(get(viaNginx("/img/" + name + ".png?w=32"))));
                double toA = served(a) - beforeA;
                double toB = served(b) - beforeB;
                assertTrue(toA == 2 && toB == 0 || toA == 0 && toB == 2, name + ": " + toA + " to A, " + toB
                        + " to B; one image must go to one node");
                List<String> node = found.get(toA == 2 ? "A" : "B");
                if (node.size() < count) {
                    node.add(name);
                }
            }
            return found;
        }
    }

    /** GETs its URLs round and round until stopped, counting statuses (-1 for a failed connection). */
    private final class Traffic implements Runnable {
        private final List<URI> urls;
        private final AtomicBoolean stopped = new AtomicBoolean();
        private final ConcurrentLinkedQueue<Integer> seen = new ConcurrentLinkedQueue<>();

        Traffic(List<URI> urls) {
            this.urls = urls;
        }

        @Override
        public void run() {
            for (int i = 0; !stopped.get(); i++) {
                try {
                    seen.add(http.send(HttpRequest.newBuilder(urls.get(i % urls.size()))
                            .timeout(Duration.ofSeconds(20)).build(), HttpResponse.BodyHandlers.discarding())
                            .statusCode());
                } catch (IOException e) {
                    seen.add(-1);
                } catch (InterruptedException e) {
                    return;
                }
            }
        }

        void stop() {
            stopped.set(true);
        }

        int sent() {
            return seen.size();
        }

        Map<Integer, Integer> statuses() {
            Map<Integer, Integer> counts = new TreeMap<>();
            seen.forEach(s -> counts.merge(s, 1, Integer::sum));
            return counts;
        }
    }

    private static double requests(String metrics) {
        return metrics.lines().filter(l -> l.startsWith("iris_http_requests_seconds_count{"))
                .mapToDouble(l -> Double.parseDouble(l.substring(l.lastIndexOf(' ') + 1))).sum();
    }

    private static String version(IrisTestServer node, String name) throws IOException {
        HttpResponse<byte[]> meta = node.get("/iris/assets/" + name, "Authorization", AUTH);
        assertEquals(200, meta.statusCode(), new String(meta.body()));
        return JSON.readTree(meta.body()).get("version").asText();
    }

    private HttpResponse<byte[]> get(URI uri) {
        return send(HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(60)).GET().build());
    }

    private HttpResponse<byte[]> put(URI uri, String fixture) {
        return send(HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(120)).header("Authorization", AUTH)
                .PUT(HttpRequest.BodyPublishers.ofByteArray(IrisTestServer.fixture(fixture))).build());
    }

    private HttpResponse<byte[]> send(HttpRequest request) {
        try {
            return http.send(request, HttpResponse.BodyHandlers.ofByteArray());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private static int status(HttpResponse<byte[]> response) {
        return response.statusCode();
    }

    private static String text(HttpResponse<byte[]> response) {
        return new String(response.body());
    }

    private static List<String> concat(List<String> a, List<String> b) {
        List<String> all = new ArrayList<>(a);
        all.addAll(b);
        return all;
    }

    private static void awaitStatus(java.util.function.IntSupplier check, int wanted, Duration limit)
            throws InterruptedException {
        long deadline = System.nanoTime() + limit.toNanos();
        int last;
        while ((last = check.getAsInt()) != wanted) {
            assertFalse(System.nanoTime() > deadline, "still " + last + " after " + limit);
            Thread.sleep(50);
        }
    }
}
