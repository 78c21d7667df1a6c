package dev.iris.web;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.iris.image.Encoder;
import dev.iris.image.ImageFormat;
import dev.iris.measure.SyntheticPhoto;
import java.net.URI;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The largest source the limits allow, twice at once, while the server keeps serving: both ingest (as jobs, since
 * they outlast the request time limit) and the process's resident memory stays within heap + model budget + the
 * JVM's allowance. The limit is lowered to 8 MP to keep CI quick (a 50 MP ingest takes minutes on two busy
 * cores); a whole-image x4 run over one such source holds 2.2 GB (down) to 2.8 GB (up) of native memory
 * ({@code RescaleModel.RUN_BYTES_PER_HR_PIXEL}), so two untiled runs at once exceed the allowance. The
 * ingests run at x4, whose downscale costs about three quarters of the x2's per source pixel, and truly at once: with
 * two model runs in all, the second queued behind the first and one core idled (16 MP at x2 took over 12 minutes
 * of an AVX2-only CI host).
 */
class LargeSourceIT {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String AUTH = "Bearer " + IrisTestServer.TOKEN;
    private static final int WIDTH = 3464, HEIGHT = 2309; // 7.998 MP, inside the limit set below
    /** Three model runs of 512 MB: two ingests at once (one run is always left to restores), one core each. */
    private static final long MODEL_BUDGET = 3L << 29;
    private static final int SCALE = 4;

    @Test
    void twoLargestSourcesAtOnce_ingestWithinTheMemoryBudget_whileServing(@TempDir Path tmp) throws Exception {
        byte[] source = Encoder.encode(SyntheticPhoto.of(WIDTH, HEIGHT), ImageFormat.JPEG, 90);
        try (IrisTestServer iris = IrisTestServer.start(tmp, Map.of(
                "limits.modelMemoryBytes", Long.toString(MODEL_BUDGET), "limits.modelThreads", "3",
                "limits.maxSourceMegapixels", "8",
                // generous: on a busy 2-core machine one such ingest can take several minutes
                "limits.ingestTimeoutMs", Long.toString(Duration.ofMinutes(40).toMillis())))) {
            iris.ingest("small", "photo.png", SCALE);
            assertEquals(200, iris.get("/img/small.png").statusCode()); // restored once, cached from now on

            AtomicLong peakRss = new AtomicLong(rss());
            AtomicBoolean done = new AtomicBoolean();
            List<Integer> servedStatuses = new ArrayList<>();
            Thread sampler = Thread.ofPlatform().start(() -> {
                while (!done.get()) {
                    peakRss.accumulateAndGet(rss(), Math::max);
                    synchronized (servedStatuses) {
                        servedStatuses.add(iris.get("/img/small.png").statusCode());
                    }
                    sleep(250);
                }
            });
            List<String> jobs = new ArrayList<>();
            for (String name : List.of("large1", "large2")) {
                HttpResponse<byte[]> put = iris.put("/iris/assets/" + name + "?scale=" + SCALE, source,
                        "Authorization", AUTH);
                assertEquals(202, put.statusCode(), new String(put.body()));
                jobs.add(URI.create(put.headers().firstValue("Location").orElseThrow()).getPath());
            }
            for (String job : jobs) {
                JsonNode state = poll(iris, job);
                assertEquals("done", state.get("state").asText(), state.toString());
                assertEquals(WIDTH, state.get("asset").get("width").asInt());
            }
            done.set(true);
            sampler.join();

            long lrEncode = iris.app().lrCodec().encodeNativeBytes((long) WIDTH * HEIGHT / (SCALE * SCALE));
            long allowed = Runtime.getRuntime().maxMemory() + MODEL_BUDGET + lrEncode + (512L << 20);
            assertTrue(peakRss.get() <= allowed, "resident " + (peakRss.get() >> 20) + " MiB, more than heap + model "
                    + "budget + LR encoding + JVM allowance = " + (allowed >> 20) + " MiB");
            synchronized (servedStatuses) {
                assertTrue(servedStatuses.size() > 10, "served only " + servedStatuses.size() + " times");
                assertTrue(servedStatuses.stream().allMatch(s -> s == 200), servedStatuses.toString());
            }
            assertEquals(200, iris.get("/img/large1.jpg?w=800").statusCode());
        }
    }

    private static JsonNode poll(IrisTestServer iris, String path) throws Exception {
        for (int i = 0; i < 4800; i++) {
            JsonNode job = JSON.readTree(iris.get(path, "Authorization", AUTH).body());
            if (!job.get("state").asText().equals("running")) {
                return job;
            }
            Thread.sleep(500);
        }
        throw new AssertionError("job " + path + " still running after 40 minutes");
    }

    /** This process's resident set, bytes. */
    private static long rss() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
                if (line.startsWith("VmRSS:")) {
                    return Long.parseLong(line.replaceAll("\\D", "")) * 1024;
                }
            }
            throw new IllegalStateException("no VmRSS in /proc/self/status");
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
