package dev.iris.web;

import dev.iris.asset.AssetStore;
import dev.iris.asset.IngestJobs;
import dev.iris.config.IrisConfig;
import dev.iris.render.Renderer;
import io.micrometer.core.instrument.MeterRegistry;
import jakarta.servlet.ServletContext;
import java.util.Map;
import java.util.Optional;

/**
 * What the HTTP layer serves, as the composition root ({@code dev.iris.app}) assembled it. The filter and the
 * admin servlet find it in the servlet context under {@link #ATTRIBUTE}; this package never builds components.
 */
public interface IrisServices {
    /** The servlet-context attribute holding the services. */
    String ATTRIBUTE = IrisServices.class.getName();

    IrisConfig config();

    AssetStore store();

    Renderer renderer();

    /** Ingest jobs, or empty when no model is loaded (LR-only mode cannot make new assets). */
    Optional<IngestJobs> ingestJobs();

    /** The {@code /iris/health} report. */
    Map<String, Object> health();

    /** Where request metrics go. */
    MeterRegistry meters();

    /** The {@code /iris/metrics} text, in Prometheus' exposition format. */
    String scrape();

    /** The services of {@code context}. @throws IllegalStateException if none were put there */
    static IrisServices of(ServletContext context) {
        if (context.getAttribute(ATTRIBUTE) instanceof IrisServices services) {
            return services;
        }
        throw new IllegalStateException("no iris services in the servlet context: register "
                + "dev.iris.app.IrisContextListener in web.xml");
    }
}
