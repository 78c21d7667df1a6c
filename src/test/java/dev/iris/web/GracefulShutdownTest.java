package dev.iris.web;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Stopping the server lets a request in flight (a cold restore) finish before the connector closes. */
class GracefulShutdownTest {
    @Test
    void stop_duringAColdRestore_stillAnswersIt(@TempDir Path tmp) throws Exception {
        IrisTestServer iris = IrisTestServer.start(tmp, Map.of("server.shutdownTimeoutMs", "20000"));
        try {
            iris.ingest("photo", "photo.png", iris.firstModelScale());
            long runs = iris.app().runner().finished();
            CompletableFuture<HttpResponse<byte[]>> inFlight =
                    CompletableFuture.supplyAsync(() -> iris.get("/img/photo.png"));
            while (iris.app().runner().active() == 0 && !inFlight.isDone()) {
                Thread.sleep(1); // until the restore has started on the model thread
            }
            // Otherwise the wait above ended because the request was already answered, and the stop below would
            // have nothing to drain: the test would pass without testing anything.
            assertFalse(inFlight.isDone(), "the request was answered before the stop began");
            assertEquals(1, iris.app().runner().active(), "no model run in flight when the stop began");
            assertEquals(runs, iris.app().runner().finished(), "the restore finished before the stop began");
            iris.close(); // stops Jetty gracefully, then the app
            HttpResponse<byte[]> response = inFlight.get();
            assertEquals(200, response.statusCode());
            assertTrue(response.body().length > 0);
            assertEquals(runs + 1, iris.app().runner().finished());
        } finally {
            iris.close();
        }
    }
}
