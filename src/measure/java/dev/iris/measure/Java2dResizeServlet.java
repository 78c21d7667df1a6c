package dev.iris.measure;

import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import javax.imageio.IIOImage;
import javax.imageio.ImageIO;
import javax.imageio.ImageWriteParam;
import javax.imageio.ImageWriter;
import javax.imageio.stream.MemoryCacheImageOutputStream;

/**
 * Baseline "a site without iris", for {@code iris bench} only: {@code GET /{name}.jpg?w=N} reads the original JPEG
 * from disk, decodes it with ImageIO, scales it to width N with one Java2D {@code drawImage} under bicubic
 * interpolation, and encodes JPEG quality 85 — on every request, no cache, as a naive image endpoint does.
 * Thread-safe (stateless).
 */
final class Java2dResizeServlet extends HttpServlet {
    private final Path originals;

    /** @param originals directory of the original {@code *.jpg} files */
    Java2dResizeServlet(Path originals) {
        this.originals = originals;
    }

    @Override
    protected void doGet(HttpServletRequest request, HttpServletResponse response) throws IOException {
        String path = request.getPathInfo();
        if (path == null || !path.matches("/[A-Za-z0-9_-]+\\.jpg")) {
            response.sendError(404);
            return;
        }
        Path file = originals.resolve(path.substring(1));
        if (!Files.isRegularFile(file)) {
            response.sendError(404);
            return;
        }
        BufferedImage original = ImageIO.read(new ByteArrayInputStream(Files.readAllBytes(file)));
        int width = BaselineRequests.width(request, original.getWidth());
        int height = Math.max(1, Math.round(original.getHeight() * (float) width / original.getWidth()));
        BufferedImage scaled = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = scaled.createGraphics();
        try {
            g.setRenderingHint(RenderingHints.KEY_INTERPOLATION, RenderingHints.VALUE_INTERPOLATION_BICUBIC);
            g.setRenderingHint(RenderingHints.KEY_RENDERING, RenderingHints.VALUE_RENDER_QUALITY);
            g.drawImage(original, 0, 0, width, height, null);
        } finally {
            g.dispose();
        }
        BaselineRequests.sendJpeg(response, jpeg(scaled));
    }

    private static byte[] jpeg(BufferedImage image) throws IOException {
        ImageWriter writer = ImageIO.getImageWritersByFormatName("jpeg").next();
        ImageWriteParam param = writer.getDefaultWriteParam();
        param.setCompressionMode(ImageWriteParam.MODE_EXPLICIT);
        param.setCompressionQuality(0.85f);
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (MemoryCacheImageOutputStream out = new MemoryCacheImageOutputStream(bytes)) {
            writer.setOutput(out);
            writer.write(null, new IIOImage(image, null, null), param);
        } finally {
            writer.dispose();
        }
        return bytes.toByteArray();
    }
}
