package dev.iris.asset;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.iris.model.Scale;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class LrTargetTest {

    @Test
    void parseScale_oneOrTwoFactors_inRange() {
        assertEquals(Scale.uniform(2), LrTarget.parseScale("2").scale());
        assertEquals(Scale.uniform(2.5), LrTarget.parseScale("2.5").scale());
        assertEquals(new Scale(1.5, 3), LrTarget.parseScale("1.5,3").scale());
        assertEquals(new Scale(1.1, 4), LrTarget.parseScale("1.1,4").scale());
        assertEquals(Scale.uniform(4), LrTarget.parseScale("4.000").scale());
    }

    @ParameterizedTest
    @ValueSource(strings = {"0", "1", "1.09", "4.5", "4.0001", "NaN", "Infinity", "2,", ",2", "2,2,2", "-2", "abc",
        "", "1e1", "0x2", "2.5.1", " 2", "2,abc", "3,1"})
    void parseScale_badScales_areRefusedInOneLine(String text) {
        IngestException e = assertThrows(IngestException.class, () -> LrTarget.parseScale(text));
        assertFalse(e.getMessage().contains("\n"), e.getMessage());
        assertTrue(e.getMessage().contains("scale"), e.getMessage());
    }

    @Test
    void parseLrWidth_isAWholeNumberAndItsScaleMustBeInRange() {
        LrTarget.Width w = LrTarget.parseLrWidth("1280");
        assertEquals(Scale.uniform(2.5), w.scaleFor(3200));
        assertThrows(IngestException.class, () -> w.scaleFor(1300)); // 1.016: barely smaller
        assertThrows(IngestException.class, () -> w.scaleFor(6000)); // 4.69
        for (String bad : new String[] {"0", "-5", "12.5", "abc", "", "99999999999"}) {
            assertThrows(IngestException.class, () -> LrTarget.parseLrWidth(bad), bad);
        }
    }

    @Test
    void parse_scaleOrWidthButNotBoth_andX2WhenNeither() {
        assertEquals(new LrTarget.Factors(Scale.uniform(2)), LrTarget.parse(Optional.empty(), Optional.empty()));
        assertEquals(new LrTarget.Width(640), LrTarget.parse(Optional.empty(), Optional.of("640")));
        assertThrows(IngestException.class, () -> LrTarget.parse(Optional.of("2"), Optional.of("640")));
    }
}
