package dev.iris.asset;

import dev.iris.hash.Sha256;
import dev.iris.image.DecodeLimits;
import dev.iris.image.Decoder;
import dev.iris.image.Filter;
import dev.iris.image.Quality;
import dev.iris.image.Resampler;
import dev.iris.image.Rgb8Image;
import dev.iris.model.ModelRegistry;
import dev.iris.model.Rescaler;
import dev.iris.ort.RunControl;
import java.time.Clock;
import java.util.Optional;

/**
 * Turns an uploaded image into an asset: decode (orientation and colour normalised), run the learned downscale,
 * shrink any alpha plane conventionally, measure the round trip, store. Thread-safe. Everything that can fail
 * (bad input, unknown model, model error) fails before the store is touched.
 */
public final class Ingester {
    private final AssetStore store;
    private final ModelRegistry models;
    private final DecodeLimits limits;
    private final Clock clock;

    public Ingester(AssetStore store, ModelRegistry models, DecodeLimits limits, Clock clock) {
        this.store = store;
        this.models = models;
        this.limits = limits;
        this.clock = clock;
    }

    /** What to ingest: the bytes as uploaded, the scale, and optionally a model id (else the default for the scale). */
    public record Request(AssetName name, byte[] source, int scale, Optional<String> modelId) {}

    /**
     * Ingests {@code request} and returns the stored metadata.
     *
     * @throws IngestException        for a request that cannot be served (unknown model, scale without a model)
     * @throws dev.iris.image.ImageException for input that is not a usable image
     * @throws AssetException         if the store could not write; the previous version is intact
     */
    public AssetMeta ingest(Request request, RunControl control) {
        Rescaler rescaler = chooseModel(request);
        Rgb8Image hr = Decoder.decode(request.source(), limits);
        Rgb8Image lr = rescaler.downscale(hr, control);
        if (hr.hasAlpha()) {
            lr = lr.withAlpha(Resampler.resize(hr, lr.width(), lr.height(), Filter.AREA).alpha());
        }
        Rgb8Image restored = rescaler.restore(lr.withoutAlpha(), hr.width(), hr.height(), control);
        // The usual border of one scale's width, narrowed for images too small to leave anything inside it.
        int border = Math.min(rescaler.scale(), (Math.min(hr.width(), hr.height()) - 1) / 2);
        double psnr = Quality.psnrY(hr.withoutAlpha(), restored, border);
        AssetMeta draft = new AssetMeta(request.name().value(), "", "", hr.width(), hr.height(), lr.width(),
                lr.height(), rescaler.scale(), rescaler.pack().id(), rescaler.pack().card().upSha256(),
                Sha256.hex(request.source()), hr.hasAlpha(), clock.instant(), psnr);
        return store.put(draft, lr);
    }

    private Rescaler chooseModel(Request request) {
        if (request.modelId().isPresent()) {
            Rescaler rescaler = models.byId(request.modelId().get()).orElseThrow(() -> new IngestException(
                    "unknown model " + request.modelId().get()));
            if (rescaler.scale() != request.scale()) {
                throw new IngestException("model " + rescaler.pack().id() + " is x" + rescaler.scale()
                        + ", not x" + request.scale());
            }
            return rescaler;
        }
        return models.forScale(request.scale()).orElseThrow(() -> new IngestException(
                "no model for scale " + request.scale()));
    }
}
