package dev.iris.measure;

import dev.iris.asset.AssetMeta;
import dev.iris.asset.AssetName;
import dev.iris.asset.AssetStore;
import dev.iris.image.Encoder;
import dev.iris.image.Filter;
import dev.iris.image.ImageFormat;
import dev.iris.image.Resampler;
import dev.iris.image.Rgb8Image;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.util.Optional;

/**
 * Baseline "iris storage, no model", for {@code iris bench} only: {@code GET /{name}.jpg?w=N} reads the asset's
 * stored LR from the store (lossless file, decoded), resizes it to width N with iris's own bicubic
 * ({@link Resampler}, {@link Filter#BICUBIC}) and encodes JPEG quality 85 with iris's {@link Encoder} — on every
 * request, no cache. Thread-safe (stateless; the store is thread-safe).
 */
final class LrBicubicServlet extends HttpServlet {
    private final AssetStore store;

    LrBicubicServlet(AssetStore store) {
        this.store = store;
    }

    @Override
    protected void doGet(HttpServletRequest request, HttpServletResponse response) throws IOException {
        String path = request.getPathInfo();
        Optional<AssetName> name = path == null || !path.endsWith(".jpg") ? Optional.empty()
                : AssetName.parse(path.substring(1, path.length() - 4));
        Optional<AssetMeta> meta = name.flatMap(store::find);
        if (meta.isEmpty()) {
            response.sendError(404);
            return;
        }
        Rgb8Image lr = store.read(meta.get()).lr();
        // Output sized against the original's aspect ratio, as iris does; the LR's padding row/column (odd sizes)
        // is stretched along, a sub-pixel difference that does not matter for timing.
        int width = BaselineRequests.width(request, meta.get().width());
        int height = Math.max(1, Math.round(meta.get().height() * (float) width / meta.get().width()));
        Rgb8Image out = Resampler.resize(lr.withoutAlpha(), width, height, Filter.BICUBIC);
        BaselineRequests.sendJpeg(response, Encoder.encode(out, ImageFormat.JPEG, 85));
    }
}
