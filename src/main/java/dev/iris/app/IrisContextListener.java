package dev.iris.app;

import dev.iris.config.ConfigLoader;
import dev.iris.config.IrisConfig;
import dev.iris.web.IrisServices;
import jakarta.servlet.ServletContext;
import jakarta.servlet.ServletContextEvent;
import jakarta.servlet.ServletContextListener;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;

/**
 * Starts iris when a WAR deploys and closes it when it undeploys. The configuration file is the context
 * init-parameter {@code iris.config}, else the system property {@code iris.config}, else
 * {@code conf/iris.properties} under the working directory; relative paths in it resolve against the working
 * directory.
 */
public final class IrisContextListener implements ServletContextListener {
    private static final String APP_ATTRIBUTE = IrisServices.ATTRIBUTE;

    @Override
    public void contextInitialized(ServletContextEvent event) {
        ServletContext context = event.getServletContext();
        if (context.getAttribute(APP_ATTRIBUTE) != null) {
            return; // the embedded server put one there
        }
        String configured = Optional.ofNullable(context.getInitParameter(ConfigLoader.CONFIG_FILE_PROPERTY))
                .orElse(System.getProperty(ConfigLoader.CONFIG_FILE_PROPERTY, "conf/iris.properties"));
        Path base = Path.of("").toAbsolutePath();
        IrisConfig config = ConfigLoader.load(Optional.of(base.resolve(configured)), Map.of(), base);
        IrisApp app = IrisApp.start(config);
        try {
            app.ingestDemos();
        } catch (RuntimeException e) {
            app.close(); // a failed deploy must not keep the native sessions and threads it started
            throw e;
        }
        context.setAttribute(APP_ATTRIBUTE, app);
        context.setAttribute(APP_ATTRIBUTE + ".owned", Boolean.TRUE);
    }

    @Override
    public void contextDestroyed(ServletContextEvent event) {
        ServletContext context = event.getServletContext();
        if (Boolean.TRUE.equals(context.getAttribute(APP_ATTRIBUTE + ".owned"))
                && context.getAttribute(APP_ATTRIBUTE) instanceof IrisApp app) {
            app.close();
        }
    }
}
