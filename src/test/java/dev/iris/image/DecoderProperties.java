package dev.iris.image;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;

/**
 * Decoding mutated real images (bytes flipped, cut, duplicated, headers rewritten) either yields a valid image or
 * an {@link ImageException} with a one-line message: never another exception, never a hang.
 */
class DecoderProperties {
    private static final DecodeLimits LIMITS = new DecodeLimits(4_000_000, 4096);

    @Property(tries = 300)
    void mutatedImages_decodeOrFailCleanly(@ForAll("fixtures") String fixture, @ForAll("mutations") Mutation mutation,
            @ForAll @IntRange(min = 0, max = Integer.MAX_VALUE) int seed) {
        byte[] data = mutation.apply(Fixtures.bytes(fixture), new java.util.Random(seed));
        try {
            Rgb8Image image = Decoder.decode(data, LIMITS);
            assertTrue(image.width() > 0 && image.height() > 0);
            assertTrue((long) image.width() * image.height() <= LIMITS.maxPixels());
        } catch (ImageException e) {
            assertFalse(e.getMessage() == null || e.getMessage().isBlank() || e.getMessage().contains("\n"),
                    String.valueOf(e.getMessage()));
        }
    }

    @Provide
    Arbitrary<String> fixtures() {
        return Arbitraries.of(Fixtures.PHOTO_JPG, Fixtures.PHOTO_PNG, Fixtures.RGBA_PNG, Fixtures.PALETTE_PNG,
                Fixtures.GRAY_PNG, Fixtures.CMYK_JPG, Fixtures.orient(6), Fixtures.RGB16_PNG);
    }

    @Provide
    Arbitrary<Mutation> mutations() {
        return Arbitraries.of(Mutation.values());
    }

    /** Ways a file gets damaged in transit or on purpose. */
    enum Mutation {
        FLIP_BYTES {
            @Override
            byte[] apply(byte[] data, java.util.Random random) {
                byte[] copy = data.clone();
                for (int i = 0; i < 1 + random.nextInt(16); i++) {
                    copy[random.nextInt(copy.length)] ^= (byte) (1 + random.nextInt(255));
                }
                return copy;
            }
        },
        FLIP_HEADER {
            @Override
            byte[] apply(byte[] data, java.util.Random random) {
                byte[] copy = data.clone();
                int i = 2 + random.nextInt(Math.min(64, copy.length - 2)); // keep the signature, hit the header
                copy[i] = (byte) random.nextInt(256);
                return copy;
            }
        },
        TRUNCATE {
            @Override
            byte[] apply(byte[] data, java.util.Random random) {
                return Arrays.copyOf(data, random.nextInt(data.length));
            }
        },
        DUPLICATE_CHUNK {
            @Override
            byte[] apply(byte[] data, java.util.Random random) {
                int from = random.nextInt(data.length), len = Math.min(data.length - from, 1 + random.nextInt(512));
                byte[] copy = Arrays.copyOf(data, data.length + len);
                System.arraycopy(data, from, copy, from + len, data.length - from);
                return copy;
            }
        },
        HUGE_DIMENSIONS {
            @Override
            byte[] apply(byte[] data, java.util.Random random) {
                byte[] copy = data.clone();
                if (copy.length > 24 && copy[1] == 'P') { // PNG IHDR width/height
                    copy[16] = (byte) 0x7F;
                    copy[20] = (byte) random.nextInt(128);
                } else {
                    for (int i = 0; i + 8 < copy.length; i++) { // JPEG SOF0/SOF2 height and width
                        if ((copy[i] & 0xFF) == 0xFF && ((copy[i + 1] & 0xFF) == 0xC0 || (copy[i + 1] & 0xFF) == 0xC2)) {
                            copy[i + 5] = (byte) 0xFF;
                            copy[i + 7] = (byte) 0xFF;
                            break;
                        }
                    }
                }
                return copy;
            }
        };

        abstract byte[] apply(byte[] data, java.util.Random random);
    }
}
