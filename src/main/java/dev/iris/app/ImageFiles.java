package dev.iris.app;

import dev.iris.asset.AssetName;
import java.nio.file.Files;
import java.nio.file.Path;

/** Which files are images to ingest, and the asset name a file gets. Stateless. */
public final class ImageFiles {
    private ImageFiles() {}

    /** A regular file with a JPEG, PNG or WebP extension. */
    public static boolean isImage(Path file) {
        return Files.isRegularFile(file) && file.getFileName().toString().matches("(?i).+\\.(jpe?g|png|webp)");
    }

    /** The asset name for {@code file}: its file name without the extension, made safe. */
    public static AssetName assetName(Path file) {
        return AssetName.fromFileName(file.getFileName().toString());
    }
}
