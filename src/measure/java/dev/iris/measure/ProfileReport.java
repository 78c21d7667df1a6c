package dev.iris.measure;

import java.util.List;
import java.util.Locale;
import java.util.Map;

/** The Markdown section {@code iris profile} writes. Stateless. */
final class ProfileReport {
    private ProfileReport() {}

    static String markdown(MachineInfo m, String command, String date, String loadBefore, String loadAfter,
            String others, int threads, int side, int runs, Map<String, List<ProfileCommand.Result>> byModel,
            Map<String, IrnCost> costs) {
        double mp = side * (double) side / 1e6;
        StringBuilder md = new StringBuilder();
        md.append(f("## Where a restore's time goes: ONNX Runtime %s, per operator%n%n", m.ortVersion()));
        md.append(f("- Machine: %s; assumed FP32 peak %.0f GFLOP/s for %d cores (%s)%n", m.describe(),
                m.peakGflops(), m.cores(), m.peakBasis()));
        md.append(f("- Command: `%s` (%s); load average (1/5/15 min) at start `%s`, at end `%s`. %s. The "
                + "variants' runs were interleaved (one run of each in turn), so that any load slowed them alike.%n",
                command, date, loadBefore, loadAfter, others));
        md.append(f("- Each model's `up.onnx` through our binding (`Session.runInto`, `SessionOptions.withProfiling`"
                + " → ORT's `EnableProfiling`/`SessionEndProfiling`): a %dx%d HR (%.2f MP, a demo photo resized) "
                + "restored from its own learned LR, one warm-up then %d timed runs per variant; ORT's trace of "
                + "the same runs gives the per-operator times. FLOP bound: the convolutions' FLOPs (counted from "
                + "model.json) at the assumed peak of the threads used.%n%n", side, side, mp, runs));

        md.append("| model | variant | what changes | restore p50 (min–max), ms per output MP | × FLOP bound "
                + "| CPU p50, ms per output MP | CPU × FLOP bound of one core | kernels / run time "
                + "| PSNR-Y vs original | max abs diff vs served (8-bit) |\n");
        md.append("|---|---|---|---|---|---|---|---|---|---|\n");
        byModel.forEach((model, results) -> {
            for (ProfileCommand.Result r : results) {
                int t = r.variant().options().intraOpThreads();
                md.append(f("| %s | %s | %s | %.0f (%.0f–%.0f) | %s | %.0f | %s | %.0f%% | %.2f dB | %d |%n", model,
                        r.variant().name(), r.variant().meaning(), r.restore().p50Ms() / mp,
                        r.restore().minMs() / mp, r.restore().maxMs() / mp,
                        bound(costs.get(model), m, t).map(b -> f("%.2f×", r.restore().p50Ms() / mp / b))
                                .orElse("–"),
                        r.cpu().p50Ms() / mp,
                        bound(costs.get(model), m, 1).map(b -> f("%.2f×", r.cpu().p50Ms() / mp / b)).orElse("–"),
                        100 * r.trace().nodeMsPerRun() * r.trace().runs() / Math.max(1e-9, r.trace().runMs()),
                        r.psnrY(), r.maxDiffVsServed()));
            }
        });
        md.append("\n").append(boundLine(byModel, costs, m, threads)).append(" CPU time is the whole process's "
                + "(every thread) per restore, so it counts work rather than waiting: on these shared cores it is "
                + "the steadier measure, and its bound is the FLOPs at one core's peak.\n\n");

        md.append("**Per operator** (variant `served`; kernel time per run, summed over the operator's nodes):\n\n");
        md.append("| model | operator | kernel calls per run | ms per run | share of kernel time |\n|---|---|---|---|---|\n");
        byModel.forEach((model, results) -> {
            OrtTrace trace = results.getFirst().trace();
            for (OrtTrace.Op op : trace.operators()) {
                md.append(f("| %s | %s | %.0f | %.1f | %.1f%% |%n", model, op.name(), op.callsPerRun(),
                        op.msPerRun(), 100 * op.msPerRun() / trace.nodeMsPerRun()));
            }
        });
        md.append("\n**Convolutions by shape** (variant `served`; channels in → out as the kernel sees them, "
                + "so a fused or NCHWc-blocked node may show padded channel counts):\n\n");
        md.append("| model | channels, kernel | operator | nodes per run | ms per run | GFLOP per run | GFLOP/s "
                + "| % of the threads' peak |\n|---|---|---|---|---|---|---|---|\n");
        byModel.forEach((model, results) -> {
            double peak = m.peakGflops() * threads / m.cores();
            for (OrtTrace.Conv c : results.getFirst().trace().convs()) {
                md.append(f("| %s | %s | %s | %.0f | %.1f | %.2f | %.0f | %.0f%% |%n", model, c.shape(), c.op(),
                        c.callsPerRun(), c.msPerRun(), c.gflopPerRun(), c.gflops(), 100 * c.gflops() / peak));
            }
        });
        return md.toString();
    }

    /** The FLOP bound of one output MP, ms, at the assumed peak of {@code threads} cores. */
    private static java.util.Optional<Double> bound(IrnCost cost, MachineInfo m, int threads) {
        if (cost == null) {
            return java.util.Optional.empty();
        }
        double peak = m.peakGflops() * Math.min(threads, m.cores()) / m.cores();
        return java.util.Optional.of(cost.flopsPerHrPixel() * 1e6 / (peak * 1e9) * 1000);
    }

    private static String boundLine(Map<String, List<ProfileCommand.Result>> byModel, Map<String, IrnCost> costs,
            MachineInfo m, int threads) {
        StringBuilder line = new StringBuilder("FLOP bound per output MP at " + threads + " threads: ");
        byModel.keySet().forEach(model -> bound(costs.get(model), m, threads).ifPresent(b -> line.append(
                f("%s %.1f GFLOP → %.0f ms; ", model, costs.get(model).flopsPerHrPixel() * 1e6 / 1e9, b))));
        return line.toString().replaceAll("; $", ".");
    }

    private static String f(String format, Object... args) {
        return String.format(Locale.ROOT, format, args);
    }
}
