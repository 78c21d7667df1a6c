package dev.iris.measure;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import org.junit.jupiter.api.Test;

/** Sections other commands write into a report: replaced in place, appended when new, all found for bench to keep. */
class MarkedSectionsTest {
    @Test
    void put_appendsANewSection_thenReplacesOnlyIt() {
        String doc = MarkedSections.put("# report\n", "a", "first");
        assertEquals("# report\n\n<!-- section a -->\nfirst\n<!-- end a -->\n", doc);
        doc = MarkedSections.put(doc, "b", "other\n");
        doc = MarkedSections.put(doc, "a", "second");
        assertEquals("# report\n\n<!-- section a -->\nsecond\n<!-- end a -->\n\n<!-- section b -->\nother\n"
                + "<!-- end b -->\n", doc);
    }

    @Test
    void all_findsEverySectionWithItsMarkers_andIgnoresUnclosedOnes() {
        String doc = MarkedSections.put(MarkedSections.put("x\n", "a", "1"), "b.c-2", "2")
                + "<!-- section open -->\nno end\n";
        assertEquals(List.of("<!-- section a -->\n1\n<!-- end a -->\n", "<!-- section b.c-2 -->\n2\n<!-- end b.c-2 -->\n"),
                MarkedSections.all(doc));
    }
}
