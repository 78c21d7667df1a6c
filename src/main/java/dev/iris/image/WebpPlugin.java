package dev.iris.image;

import com.luciad.imageio.webp.WebPImageReaderSpi;
import com.luciad.imageio.webp.WebPImageWriterSpi;
import javax.imageio.ImageReader;
import javax.imageio.ImageWriter;

/**
 * webp-imageio's reader and writer from iris's own class loader, not from ImageIO's registry. The registry is
 * JVM-wide and filled from whichever class loader first used ImageIO: in a servlet container, or a JVM that ran the
 * WAR before (the integration tests), it can hold a web application's copy of the plugin, whose classes cannot
 * reach their native half or iris's parameter types. Any other format comes from the registry as usual.
 */
final class WebpPlugin {
    private WebpPlugin() {}

    /** A new WebP reader; throws a {@link LinkageError} where the plugin cannot load on this machine. */
    static ImageReader reader() {
        return Providers.READER.createReaderInstance(null);
    }

    /** A new WebP writer; fails as {@link #reader()} does. */
    static ImageWriter writer() {
        return Providers.WRITER.createWriterInstance(null);
    }

    /** Loaded on first use, so a machine without the plugin fails there (a LinkageError), not at start. */
    private static final class Providers {
        static final WebPImageReaderSpi READER = new WebPImageReaderSpi();
        static final WebPImageWriterSpi WRITER = new WebPImageWriterSpi();
    }
}
