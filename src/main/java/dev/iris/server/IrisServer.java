package dev.iris.server;

import dev.iris.config.IrisConfig;
import dev.iris.web.AdminServlet;
import dev.iris.app.IrisApp;
import dev.iris.web.IrisServices;
import dev.iris.web.IrisFilter;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.binder.jetty.JettyServerThreadPoolMetrics;
import io.micrometer.jetty12.server.TimedHandler;
import jakarta.servlet.DispatcherType;
import java.util.EnumSet;
import org.eclipse.jetty.ee11.servlet.DefaultServlet;
import org.eclipse.jetty.ee11.servlet.FilterHolder;
import org.eclipse.jetty.ee11.servlet.ServletContextHandler;
import org.eclipse.jetty.ee11.servlet.ServletHolder;
import org.eclipse.jetty.server.ForwardedRequestCustomizer;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.server.handler.GracefulHandler;

/**
 * Embedded Jetty 12 (Servlet 6.1, ee11) hosting iris: the image filter on its prefix, the admin servlet on
 * {@code /iris/*}, and the {@code webapp/} directory as static files (no directory listings). Honours
 * {@code Forwarded} and {@code X-Forwarded-*} from a reverse proxy, and drains requests in flight on stop.
 * Not thread-safe: start and stop from one thread.
 */
public final class IrisServer implements AutoCloseable {
    private final Server jetty;
    private final ServerConnector connector;

    public IrisServer(IrisApp app) {
        IrisConfig config = app.config();
        jetty = new Server();
        HttpConfiguration http = new HttpConfiguration();
        http.setSendServerVersion(false);
        http.addCustomizer(new ForwardedRequestCustomizer());
        connector = new ServerConnector(jetty, new HttpConnectionFactory(http));
        connector.setHost(config.server().host());
        connector.setPort(config.server().port());
        jetty.addConnector(connector);

        ServletContextHandler context = new ServletContextHandler("/");
        context.setAttribute(IrisServices.ATTRIBUTE, app);
        context.setBaseResourceAsPath(config.server().webappDir().toAbsolutePath());
        context.setWelcomeFiles(new String[] {"index.html"});
        context.setProtectedTargets(new String[] {"/WEB-INF", "/META-INF"});
        context.addFilter(new FilterHolder(new IrisFilter()), config.serving().prefix() + "*",
                EnumSet.of(DispatcherType.REQUEST));
        context.addServlet(new ServletHolder("iris-admin", new AdminServlet()), "/iris/*");
        ServletHolder files = new ServletHolder("static", DefaultServlet.class);
        files.setInitParameter("dirAllowed", "false");
        context.addServlet(files, "/");

        // Jetty's own series beside iris's: every request's timing (jetty_server_requests_seconds, by method, status
        // and outcome) and the request thread pool (jetty_threads_*).
        TimedHandler timed = new TimedHandler(app.meters(), Tags.empty());
        timed.setHandler(context);
        new JettyServerThreadPoolMetrics(jetty.getThreadPool(), Tags.empty()).bindTo(app.meters());
        GracefulHandler graceful = new GracefulHandler();
        graceful.setHandler(timed);
        jetty.setHandler(graceful);
        jetty.setStopTimeout(config.server().shutdownTimeout().toMillis());
        jetty.setStopAtShutdown(true);
    }

    public IrisServer start() throws Exception {
        jetty.start();
        return this;
    }

    /** The port bound, useful when the configuration asked for 0 (any free port). */
    public int port() {
        return connector.getLocalPort();
    }

    public void join() throws InterruptedException {
        jetty.join();
    }

    @Override
    public void close() throws Exception {
        jetty.stop();
    }
}
