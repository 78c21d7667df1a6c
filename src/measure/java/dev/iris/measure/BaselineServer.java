package dev.iris.measure;

import dev.iris.asset.AssetStore;
import java.nio.file.Path;
import org.eclipse.jetty.ee11.servlet.ServletContextHandler;
import org.eclipse.jetty.ee11.servlet.ServletHolder;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;

/**
 * The baselines of {@code iris bench}, on a Jetty of their own on a free loopback port, in the same process as the
 * iris server under test and with the same HTTP settings: {@code /bench/java2d/{name}.jpg?w=}
 * ({@link Java2dResizeServlet}) and {@code /bench/lr-bicubic/{name}.jpg?w=} ({@link LrBicubicServlet}). Not
 * thread-safe: start and close from one thread.
 */
final class BaselineServer implements AutoCloseable {
    static final String PATH = "/bench";

    private final Server jetty = new Server();
    private final ServerConnector connector;

    BaselineServer(Path originals, AssetStore store) {
        HttpConfiguration http = new HttpConfiguration();
        http.setSendServerVersion(false);
        connector = new ServerConnector(jetty, new HttpConnectionFactory(http));
        connector.setHost("127.0.0.1");
        connector.setPort(0);
        jetty.addConnector(connector);
        ServletContextHandler context = new ServletContextHandler(PATH);
        context.addServlet(new ServletHolder("java2d", new Java2dResizeServlet(originals)), "/java2d/*");
        context.addServlet(new ServletHolder("lr-bicubic", new LrBicubicServlet(store)), "/lr-bicubic/*");
        jetty.setHandler(context);
    }

    BaselineServer start() throws Exception {
        jetty.start();
        return this;
    }

    int port() {
        return connector.getLocalPort();
    }

    @Override
    public void close() throws Exception {
        jetty.stop();
    }
}
