package dev.iris.hash;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class Sha256Test {
    /** FIPS 180-2, appendix B.1: SHA-256("abc"). */
    private static final String ABC = "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad";

    @Test
    void hex_matchesTheStandardTestVector() {
        assertEquals(ABC, Sha256.hex("abc".getBytes(StandardCharsets.US_ASCII)));
    }

    @Test
    void hex_ofAStream_equalsHexOfItsBytes() throws IOException {
        byte[] big = new byte[200_000]; // more than one read buffer
        new java.util.Random(1).nextBytes(big);
        assertEquals(Sha256.hex(big), Sha256.hex(new ByteArrayInputStream(big)));
    }

    @Test
    void hexPrefix_hashesThePartsAsOneStream_andKeepsTheFirstBytes() {
        assertEquals(ABC.substring(0, 16), Sha256.hexPrefix(8, "a".getBytes(StandardCharsets.US_ASCII),
                "bc".getBytes(StandardCharsets.US_ASCII)));
        assertEquals(ABC, Sha256.hexPrefix(32, "abc".getBytes(StandardCharsets.US_ASCII)));
    }

    @Test
    void hexPrefix_outOfRange_isRejected() {
        assertThrows(IllegalArgumentException.class, () -> Sha256.hexPrefix(0, new byte[0]));
        assertThrows(IllegalArgumentException.class, () -> Sha256.hexPrefix(33, new byte[0]));
    }
}
