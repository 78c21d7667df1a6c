package dev.iris.web;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Coalescing, byte budgets and back-pressure, through real HTTP. */
class ServingUnderLoadTest {
    @Test
    void concurrentColdRequests_forOneAsset_runTheModelOnce(@TempDir Path tmp) throws Exception {
        try (IrisTestServer iris = IrisTestServer.start(tmp, Map.of());
                ExecutorService pool = Executors.newFixedThreadPool(12)) {
            iris.ingest("photo", "photo.png", iris.firstModelScale());
            long runsBefore = iris.app().runner().finished();
            CountDownLatch go = new CountDownLatch(1);
            List<Future<HttpResponse<byte[]>>> responses = new ArrayList<>();
            for (int i = 0; i < 12; i++) {
                int width = 200 + (i % 4); // several output sizes, one restore
                responses.add(pool.submit(() -> {
                    go.await();
                    return iris.get("/img/photo.png?w=" + width);
                }));
            }
            go.countDown();
            for (Future<HttpResponse<byte[]>> response : responses) {
                assertEquals(200, response.get().statusCode());
            }
            assertEquals(1, iris.app().runner().finished() - runsBefore);
        }
    }

    @Test
    void caches_stayWithinTheirByteBudgets(@TempDir Path tmp) throws Exception {
        long sourceBudget = 400_000, encodedBudget = 60_000;
        try (IrisTestServer iris = IrisTestServer.start(tmp, Map.of(
                "cache.sourceMaxBytes", Long.toString(sourceBudget),
                "cache.encodedMaxBytes", Long.toString(encodedBudget)))) {
            int scale = iris.firstModelScale();
            for (String name : List.of("a", "b", "c")) {
                iris.ingest(name, "photo.png", scale);
            }
            for (String name : List.of("a", "b", "c")) {
                for (int w = 180; w < 256; w += 5) {
                    assertEquals(200, iris.get("/img/" + name + ".jpg?w=" + w).statusCode());
                }
            }
            var usage = iris.app().caches().usage();
            assertTrue(usage.get("source").bytes() <= sourceBudget, usage.toString());
            assertTrue(usage.get("encoded").bytes() <= encodedBudget, usage.toString());
            assertTrue(usage.get("encoded").bytes() > 0, usage.toString());
            assertTrue(usage.get("encoded").stats().evictionCount() > 0);
        }
    }

    @Test
    void fullModelQueue_answers503WithRetryAfter_andLaterRequestsWork(@TempDir Path tmp) throws Exception {
        // One model thread and no queue: of many simultaneous restores of different assets, some must be refused.
        try (IrisTestServer iris = IrisTestServer.start(tmp, Map.of(
                "limits.modelThreads", "1", "limits.queueLength", "0"));
                ExecutorService pool = Executors.newFixedThreadPool(8)) {
            int scale = iris.firstModelScale();
            List<String> names = List.of("p0", "p1", "p2", "p3", "p4", "p5", "p6", "p7");
            for (String name : names) {
                iris.ingest(name, "photo.png", scale);
            }
            CountDownLatch go = new CountDownLatch(1);
            List<Future<HttpResponse<byte[]>>> responses = new ArrayList<>();
            for (String name : names) {
                responses.add(pool.submit(() -> {
                    go.await();
                    return iris.get("/img/" + name + ".png");
                }));
            }
            go.countDown();
            int ok = 0, refused = 0;
            for (Future<HttpResponse<byte[]>> future : responses) {
                HttpResponse<byte[]> response = future.get();
                if (response.statusCode() == 503) {
                    refused++;
                    assertEquals("2", response.headers().firstValue("Retry-After").orElseThrow());
                    assertTrue(new String(response.body()).contains("server busy"), new String(response.body()));
                } else {
                    assertEquals(200, response.statusCode());
                    ok++;
                }
            }
            assertTrue(ok >= 1 && refused >= 1, ok + " ok, " + refused + " refused");
            // Nothing is left broken: each asset renders once the burst is over. The run slot frees just after a
            // restore's answer (the restored tier is offered the image first), so a 503 may still come at once.
            for (String name : names) {
                int status = iris.get("/img/" + name + ".png").statusCode();
                for (int retry = 0; status == 503 && retry < 50; retry++) {
                    Thread.sleep(100);
                    status = iris.get("/img/" + name + ".png").statusCode();
                }
                assertEquals(200, status);
            }
        }
    }
}
