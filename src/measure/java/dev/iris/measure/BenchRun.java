package dev.iris.measure;

import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Everything one {@code iris bench} run measured, for the report. Immutable.
 *
 * @param machine        the machine and assumed peak
 * @param command        the command line as typed
 * @param date           ISO date and time of the run
 * @param loadBefore     {@code /proc/loadavg} at the start (other work on the machine)
 * @param loadAfter      {@code /proc/loadavg} at the end
 * @param models         model timings, per model and thread setting
 * @param costs          counted arithmetic per model id, where model.json describes the architecture
 * @param servingModel   the model the server's assets were made with, and its scale
 * @param ingestMs       time to ingest each demo original (decode, learned downscale, store the LR)
 * @param latency        sequential cold and warm latency per width
 * @param throughput     closed-loop throughput, iris and baselines
 * @param settings       how long and hard the server part measured
 * @param enlarge        the server's serving.enlarge
 * @param seconds        wall time of the whole run
 */
record BenchRun(MachineInfo machine, String command, String date, String loadBefore, String loadAfter,
        List<ModelResult> models, Map<String, IrnCost> costs, String servingModel, Map<String, Double> ingestMs,
        List<LatencyRow> latency, List<ThroughputRow> throughput, ServerBench.Settings settings, boolean enlarge,
        double seconds) {

    Optional<ThroughputRow> throughputOf(String label) {
        return throughput.stream().filter(t -> t.label().equals(label)).findFirst();
    }
}
