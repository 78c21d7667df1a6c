package dev.iris.measure;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;

/**
 * How much of the cores other processes used while a measurement ran: the machine's busy time ({@code /proc/stat})
 * less this process's own and its reaped children's ({@code /proc/self/stat}), over the cores' time. Measurement
 * docs state it instead of assuming the machine was busy or quiet. Linux only.
 *
 * @param busyTicks machine-wide busy clock ticks at the start (user, nice, system, irq, softirq, steal)
 * @param allTicks  machine-wide clock ticks at the start, idle and iowait included
 * @param ownTicks  this process's utime, stime, cutime and cstime at the start
 */
record OtherLoad(long busyTicks, long allTicks, long ownTicks) {

    static OtherLoad start() {
        long[] cpu = machine();
        return new OtherLoad(cpu[0], cpu[1], own());
    }

    /** Share of the cores' time since {@link #start} that other processes used, 0 to 1. */
    double share() {
        long[] cpu = machine();
        long all = cpu[1] - allTicks;
        long others = (cpu[0] - busyTicks) - (own() - ownTicks);
        return all <= 0 ? 0 : Math.clamp((double) others / all, 0, 1);
    }

    /** A sentence for a measurement doc. */
    String sentence() {
        double s = share();
        return String.format(Locale.ROOT, "Other processes used %.0f%% of the cores' time while it ran (/proc/stat, "
                + "less this command and its children)%s", 100 * s, s < 0.05 ? ": a quiet machine"
                : ": shared cores, so wall times are slower than on a quiet machine and CPU time is the steadier "
                        + "figure");
    }

    private static long[] machine() {
        String[] f = read("/proc/stat").lines().findFirst().orElseThrow().trim().split("\\s+");
        long user = Long.parseLong(f[1]), nice = Long.parseLong(f[2]), system = Long.parseLong(f[3]);
        long idle = Long.parseLong(f[4]), iowait = Long.parseLong(f[5]), irq = Long.parseLong(f[6]);
        long softirq = Long.parseLong(f[7]), steal = f.length > 8 ? Long.parseLong(f[8]) : 0;
        long busy = user + nice + system + irq + softirq + steal;
        return new long[] {busy, busy + idle + iowait};
    }

    private static long own() {
        String stat = read("/proc/self/stat");
        String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
        // fields 14-17 of proc(5): utime, stime, cutime, cstime; f[0] is field 3
        return Long.parseLong(f[11]) + Long.parseLong(f[12]) + Long.parseLong(f[13]) + Long.parseLong(f[14]);
    }

    private static String read(String file) {
        try {
            return Files.readString(Path.of(file));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
