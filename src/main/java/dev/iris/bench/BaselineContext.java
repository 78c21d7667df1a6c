package dev.iris.bench;

import dev.iris.asset.AssetStore;
import java.nio.file.Path;
import org.eclipse.jetty.ee11.servlet.ServletContextHandler;
import org.eclipse.jetty.ee11.servlet.ServletHolder;

/**
 * The baseline endpoints of {@code iris bench}, on their own context {@code /bench}, added next to iris's context
 * only for the benchmark run: {@code /bench/java2d/{name}.jpg?w=} ({@link Java2dResizeServlet}) and
 * {@code /bench/lr-bicubic/{name}.jpg?w=} ({@link LrBicubicServlet}). Stateless factory.
 */
public final class BaselineContext {
    public static final String PATH = "/bench";

    private BaselineContext() {}

    public static ServletContextHandler create(Path originals, AssetStore store) {
        ServletContextHandler context = new ServletContextHandler(PATH);
        context.addServlet(new ServletHolder("java2d", new Java2dResizeServlet(originals)), "/java2d/*");
        context.addServlet(new ServletHolder("lr-bicubic", new LrBicubicServlet(store)), "/lr-bicubic/*");
        return context;
    }
}
