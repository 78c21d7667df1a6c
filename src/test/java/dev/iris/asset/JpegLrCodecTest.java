package dev.iris.asset;

import static dev.iris.asset.BlobAssetStoreTest.draft;
import static dev.iris.asset.BlobAssetStoreTest.plane;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.iris.image.Decoder;
import dev.iris.image.ImageException;
import dev.iris.image.Quality;
import dev.iris.image.Rgb8Image;
import dev.iris.measure.SyntheticPhoto;
import dev.iris.model.ModelCard;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The lossy LR codec of compression-aware models: what it writes is what their training modelled. */
class JpegLrCodecTest {
    private static final LrCodec Q80 = LrCodec.of(new ModelCard.LossyCodec("jpeg", 80));

    /** ITU T.81 Annex K.1, the luminance table libjpeg scales by quality (models/train/jpeg_sim.py: LUMA). */
    private static final int[] LUMA = {16, 11, 10, 16, 24, 40, 51, 61, 12, 12, 14, 19, 26, 58, 60, 55,
        14, 13, 16, 24, 40, 57, 69, 56, 14, 17, 22, 29, 51, 87, 80, 62, 18, 22, 37, 56, 68, 109, 103, 77,
        24, 35, 55, 64, 81, 104, 113, 92, 49, 64, 78, 87, 103, 121, 120, 101, 72, 92, 95, 98, 112, 100, 103, 99};

    @Test
    void encode_thenDecode_isClose_butLossy_andKeepsAlphaExactly() {
        Rgb8Image lr = SyntheticPhoto.of(96, 64).withAlpha(plane(96, 64, 2));
        Rgb8Image back = Q80.decode(Q80.encode(lr), 96, 64);
        assertFalse(Q80.lossless());
        assertFalse(Arrays.equals(lr.rgb(), back.rgb()), "a JPEG gave back every pixel");
        double psnr = Quality.psnrY(lr.withoutAlpha(), back.withoutAlpha(), 0);
        assertTrue(psnr > 30 && psnr < 60, "PSNR-Y of the decoded LR: " + psnr);
        assertArrayEquals(lr.alpha(), back.alpha(), "the alpha plane is stored losslessly");
    }

    /** The training's model of the codec: 4:2:0 chroma and libjpeg's quality scaling of the Annex K tables. */
    @Test
    void encode_writesBaselineJpeg_420_withLibjpegsTablesForItsQuality() {
        for (int quality : new int[] {50, 80, 95}) {
            byte[] jpeg = LrCodec.of(new ModelCard.LossyCodec("jpeg", quality)).encode(SyntheticPhoto.of(64, 48)).lr();
            assertEquals("jpeg", Decoder.probe(jpeg).format());
            int sof = segment(jpeg, 0xC0);
            assertEquals(3, jpeg[sof + 9], "components");
            assertEquals(0x22, jpeg[sof + 11], "luma sampling 2x2");
            assertEquals(0x11, jpeg[sof + 14], "Cb sampling 1x1");
            assertEquals(0x11, jpeg[sof + 17], "Cr sampling 1x1");
            int dqt = segment(jpeg, 0xDB);
            assertEquals(0, jpeg[dqt + 4], "first table: 8-bit precision, id 0");
            int scale = quality < 50 ? 5000 / quality : 200 - 2 * quality;
            for (int i = 0; i < 64; i++) { // stored in zigzag order
                int expected = Math.min(255, Math.max(1, (LUMA[ZIGZAG[i]] * scale + 50) / 100));
                assertEquals(expected, jpeg[dqt + 5 + i] & 0xff, "q" + quality + " luma entry " + i);
            }
        }
    }

    @Test
    void id_namesTheQuality_andByIdReadsItBack_onlyInRange() {
        assertEquals("jpeg-q80", Q80.id());
        assertEquals("jpg", Q80.extension());
        assertEquals(Optional.of(Q80), LrCodec.byId("jpeg-q80"));
        assertEquals(Optional.of(LrCodec.of(new ModelCard.LossyCodec("jpeg", 100))), LrCodec.byId("jpeg-q100"));
        for (String bad : new String[] {"jpeg-q0", "jpeg-q101", "jpeg-q080", "jpeg-q", "jpeg", "jpeg-q8x"}) {
            assertTrue(LrCodec.byId(bad).isEmpty(), bad);
        }
        assertThrows(IllegalArgumentException.class, () -> new ModelCard.LossyCodec("webp", 80));
        assertThrows(IllegalArgumentException.class, () -> new ModelCard.LossyCodec("jpeg", 0));
    }

    @Test
    void decode_ofAnotherFormat_saysWhatItFound() {
        EncodedLr png = LrCodec.png().encode(SyntheticPhoto.of(8, 8));
        ImageException e = assertThrows(ImageException.class, () -> Q80.decode(png, 8, 8));
        assertEquals("the stored LR is a png of 8x8, metadata says a jpeg of 8x8", e.getMessage());
    }

    /** Stored with the model's codec whatever the store's; read back as decoded; never migrated to a lossless one. */
    @Test
    void store_putsWithTheModelsCodec_readsTheDecodedPixels_andMigrateKeepsIt(@TempDir Path dir) {
        AssetStore store = AssetStore.of(BlobStore.directory(dir), LrCodec.webp(), Duration.ZERO);
        Rgb8Image lr = SyntheticPhoto.of(65, 50);
        AssetMeta stored = store.put(draft("cat", 130, 100), lr, Q80);
        assertEquals("jpeg-q80", stored.codec());
        Rgb8Image read = store.read(store.find(new AssetName("cat")).orElseThrow()).lr();
        assertArrayEquals(Q80.decode(Q80.encode(lr), 65, 50).rgb(), read.rgb());
        Recoding kept = store.recode(new AssetName("cat"));
        assertEquals(new Recoding.Kept(stored, ((Recoding.Kept) kept).bytes(), "its LR is stored as jpeg-q80, the "
                + "lossy codec its model was trained for"), kept);
        assertEquals("jpeg-q80", store.find(new AssetName("cat")).orElseThrow().codec());
    }

    /** Position in natural order of each zigzag index. */
    private static final int[] ZIGZAG = {0, 1, 8, 16, 9, 2, 3, 10, 17, 24, 32, 25, 18, 11, 4, 5, 12, 19, 26, 33,
        40, 48, 41, 34, 27, 20, 13, 6, 7, 14, 21, 28, 35, 42, 49, 56, 57, 50, 43, 36, 29, 22, 15, 23, 30, 37, 44,
        51, 58, 59, 52, 45, 38, 31, 39, 46, 53, 60, 61, 54, 47, 55, 62, 63};

    /** Offset of the first marker {@code 0xFF code} (its 0xFF byte), walking the segments from SOI. */
    private static int segment(byte[] jpeg, int code) {
        int at = 2;
        while (at + 4 < jpeg.length) {
            if ((jpeg[at] & 0xff) != 0xff) {
                throw new AssertionError("no marker at " + at);
            }
            if ((jpeg[at + 1] & 0xff) == code) {
                return at;
            }
            at += 2 + (((jpeg[at + 2] & 0xff) << 8) | (jpeg[at + 3] & 0xff));
        }
        throw new AssertionError("no marker FF" + Integer.toHexString(code));
    }
}
