package dev.iris.render;

import dev.iris.asset.AssetName;
import dev.iris.image.Fit;
import dev.iris.image.ImageFormat;
import java.util.Optional;

/**
 * A valid image request, canonicalised: defaults filled in, dpr already applied, aliases resolved.
 *
 * @param width   output width in pixels after dpr, or 0 to follow the aspect ratio (both 0: original size)
 * @param height  output height likewise
 * @param format  the format asked for, by {@code fm} or the extension; content negotiation may still pick WebP
 * @param explicitFormat whether {@code fm} named the format (then Accept is never consulted)
 * @param version the asset version the URL carries ({@code v}), if any
 */
public record ImageRequest(AssetName name, int width, int height, Fit fit, int quality, ImageFormat format,
        boolean explicitFormat, Optional<String> version) {

    /** The same request in another format (content negotiation). */
    public ImageRequest withFormat(ImageFormat other) {
        return new ImageRequest(name, width, height, fit, quality, other, explicitFormat, version);
    }

    /** A fixed-order key of everything that changes the output bytes (not the version or negotiation flag). */
    public String canonical() {
        return "w=" + width + "&h=" + height + "&fit=" + fit.word() + "&q=" + quality + "&fm=" + format.extension();
    }
}
