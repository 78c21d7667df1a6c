package dev.iris.measure;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class BenchReportTest {
    @Test
    void busy_judgesTheOneMinuteLoadAgainstHalfTheCores() {
        assertFalse(BenchReport.busy("0.42 1.90 2.10 1/123 4567", 2), "quiet now, busy earlier");
        assertTrue(BenchReport.busy("2.74 3.10 3.59 3/301 999", 2));
        assertFalse(BenchReport.busy("2.74 3.10 3.59 3/301 999", 8));
        assertTrue(BenchReport.busy("unknown", 2), "unreadable counts as busy");
    }
}
