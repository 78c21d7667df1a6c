package dev.iris.asset;

import dev.iris.model.Scale;
import java.time.Instant;
import java.util.OptionalLong;

/**
 * An asset's metadata, as stored beside its pixels.
 *
 * @param version        content hash of this version (16 hex digits): changes whenever the pixels or model do
 *                       (not when {@code iris migrate} only re-encodes the same pixels with another codec)
 * @param codec          the {@link LrCodec#id()} its pixels are stored with; metadata from before codecs were
 *                       recorded reads as {@code "png"}
 * @param width          the original image's width, before any padding
 * @param height         the original image's height
 * @param lrWidth        the stored LR's width: {@code ceil(width / scale)} for the fixed-scale models (the original
 *                       padded to a multiple of the scale), {@code round(width / scale)} for the arbitrary-scale one
 * @param lrHeight       the stored LR's height, likewise
 * @param scale          the original's size over the LR's per axis: the fixed model's factor, or for the
 *                       arbitrary-scale family the exact ratios {@code width / lrWidth}, {@code height / lrHeight}
 * @param modelSha256    SHA-256 of the restoring network ({@code up.onnx}) the LR was made for
 * @param sourceSha256   SHA-256 of the uploaded file
 * @param hasAlpha       whether an alpha plane is stored (downscaled conventionally, never through the model)
 * @param roundTripPsnrY PSNR-Y in dB of the model's restore against the original, measured at ingest (on the
 *                       centre 1024x1024 LR pixels' worth of the image when it is larger)
 *                       ({@code Infinity} when exact)
 * @param storedBytes    everything stored for this version: its payloads plus this metadata as stored; empty
 *                       (unknown) in metadata written before iris recorded it
 * @param sourceBytes    the uploaded file's size; empty (unknown) in metadata written before iris recorded it
 * @param optimizeIterations iterations of encode-time optimisation the LR got at ingest (HCD); 0 when it is the
 *                       model's plain LR (also for metadata from before optimisation existed)
 * @param optimizeHrIterations iterations of HCD's HR stage (the HR fed to the downscaler) before those; 0 when none
 *                       (also for metadata from before the HR stage existed)
 */
public record AssetMeta(String name, String version, String codec, int width, int height, int lrWidth, int lrHeight,
        Scale scale, String modelId, String modelSha256, String sourceSha256, boolean hasAlpha, Instant created,
        double roundTripPsnrY, OptionalLong storedBytes, OptionalLong sourceBytes, int optimizeIterations,
        int optimizeHrIterations) {

    /** Metadata whose byte counts are unknown: a draft for {@link AssetStore#put}, or metadata from before them. */
    public AssetMeta(String name, String version, String codec, int width, int height, int lrWidth, int lrHeight,
            Scale scale, String modelId, String modelSha256, String sourceSha256, boolean hasAlpha, Instant created,
            double roundTripPsnrY) {
        this(name, version, codec, width, height, lrWidth, lrHeight, scale, modelId, modelSha256, sourceSha256,
                hasAlpha, created, roundTripPsnrY, OptionalLong.empty(), OptionalLong.empty());
    }

    /** As the draft constructor, at a fixed integer scale. */
    public AssetMeta(String name, String version, String codec, int width, int height, int lrWidth, int lrHeight,
            int scale, String modelId, String modelSha256, String sourceSha256, boolean hasAlpha, Instant created,
            double roundTripPsnrY) {
        this(name, version, codec, width, height, lrWidth, lrHeight, Scale.uniform(scale), modelId, modelSha256,
                sourceSha256, hasAlpha, created, roundTripPsnrY);
    }

    /** Metadata of a plain (not optimised) LR. */
    public AssetMeta(String name, String version, String codec, int width, int height, int lrWidth, int lrHeight,
            Scale scale, String modelId, String modelSha256, String sourceSha256, boolean hasAlpha, Instant created,
            double roundTripPsnrY, OptionalLong storedBytes, OptionalLong sourceBytes) {
        this(name, version, codec, width, height, lrWidth, lrHeight, scale, modelId, modelSha256, sourceSha256,
                hasAlpha, created, roundTripPsnrY, storedBytes, sourceBytes, 0, 0);
    }

    /** This metadata with {@code storedBytes} set; everything else unchanged. */
    AssetMeta withStoredBytes(long bytes) {
        return new AssetMeta(name, version, codec, width, height, lrWidth, lrHeight, scale, modelId, modelSha256,
                sourceSha256, hasAlpha, created, roundTripPsnrY, OptionalLong.of(bytes), sourceBytes,
                optimizeIterations, optimizeHrIterations);
    }
}
