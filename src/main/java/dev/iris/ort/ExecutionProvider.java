package dev.iris.ort;

import java.util.Map;

/** The hardware a session asks to run on. A request for CUDA falls back to the CPU when CUDA cannot load. */
public sealed interface ExecutionProvider {
    /** ORT's name for the provider, as {@code GetAvailableProviders} lists it. */
    String ortName();

    /** The default CPU provider. */
    record Cpu() implements ExecutionProvider {
        @Override
        public String ortName() {
            return "CPUExecutionProvider";
        }
    }

    /**
     * The CUDA provider through ORT's V2 options.
     *
     * @param deviceId GPU ordinal, 0 for the first
     * @param options  further V2 option keys and values ({@code gpu_mem_limit}, {@code cudnn_conv_algo_search},
     *                 …) as the CUDA execution provider documents them
     */
    record Cuda(int deviceId, Map<String, String> options) implements ExecutionProvider {
        public Cuda {
            if (deviceId < 0) {
                throw new IllegalArgumentException("CUDA device id must be >= 0, got " + deviceId);
            }
            options = Map.copyOf(options);
        }

        @Override
        public String ortName() {
            return "CUDAExecutionProvider";
        }
    }

    static ExecutionProvider cpu() {
        return new Cpu();
    }

    static ExecutionProvider cuda(int deviceId) {
        return new Cuda(deviceId, Map.of());
    }
}
