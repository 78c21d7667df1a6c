package dev.iris.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import javax.imageio.ImageIO;
import org.eclipse.jetty.ee11.webapp.WebAppContext;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** target/iris.war, deployed into a real Jetty through WebAppContext, ingests and serves an image. */
class WarDeploymentIT {
    @Test
    void war_deploysIngestsAndServes(@TempDir Path tmp) throws Exception {
        Path war = Path.of("target/iris.war");
        assertTrue(Files.isRegularFile(war), "build the WAR first (mvn package)");
        Path config = tmp.resolve("iris.properties");
        Files.writeString(config, String.join("\n",
                "models.dir=" + Path.of("models").toAbsolutePath(),
                "assets.dir=" + tmp.resolve("assets"),
                "assets.demoDir=",
                "assets.ingestToken=war-token", ""));

        Server jetty = new Server();
        ServerConnector connector = new ServerConnector(jetty);
        connector.setHost("127.0.0.1");
        jetty.addConnector(connector);
        WebAppContext webapp = new WebAppContext();
        webapp.setContextPath("/photos");
        webapp.setWar(war.toAbsolutePath().toString());
        webapp.setTempDirectory(tmp.resolve("jetty").toFile());
        webapp.setInitParameter("iris.config", config.toString());
        jetty.setHandler(webapp);
        jetty.start();
        try {
            String base = "http://127.0.0.1:" + connector.getLocalPort() + "/photos";
            HttpClient http = HttpClient.newHttpClient();
            byte[] photo;
            try (InputStream in = WarDeploymentIT.class.getResourceAsStream("/fixtures/photo.png")) {
                photo = in.readAllBytes();
            }
            HttpResponse<String> put = http.send(HttpRequest.newBuilder(URI.create(base + "/iris/assets/photo?scale=2"))
                    .header("Authorization", "Bearer war-token")
                    .PUT(HttpRequest.BodyPublishers.ofByteArray(photo)).build(), HttpResponse.BodyHandlers.ofString());
            assertEquals(201, put.statusCode(), put.body());

            HttpResponse<byte[]> image = http.send(HttpRequest.newBuilder(URI.create(base + "/img/photo.jpg?w=200"))
                    .build(), HttpResponse.BodyHandlers.ofByteArray());
            assertEquals(200, image.statusCode());
            assertEquals("image/jpeg", image.headers().firstValue("Content-Type").orElseThrow());
            BufferedImage decoded = ImageIO.read(new ByteArrayInputStream(image.body()));
            assertEquals(200, decoded.getWidth());
            assertEquals(150, decoded.getHeight());

            HttpResponse<String> page = http.send(HttpRequest.newBuilder(URI.create(base + "/WEB-INF/web.xml"))
                    .build(), HttpResponse.BodyHandlers.ofString());
            assertEquals(404, page.statusCode());
        } finally {
            jetty.stop();
        }
    }
}
