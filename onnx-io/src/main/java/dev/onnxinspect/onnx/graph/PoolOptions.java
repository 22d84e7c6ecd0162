package dev.onnxinspect.onnx.graph;

import java.util.Collections;
import java.util.List;

/**
 * The attributes of an ONNX {@code MaxPool} or {@code AveragePool}. Made by {@link #builder(long...)}; defaults:
 * stride 1, no padding, floor rounding of the output size, padding not counted in averages.
 *
 * @param kernelShape      one size per spatial axis
 * @param strides          one stride per spatial axis
 * @param pads             begin pads then end pads, two per spatial axis
 * @param ceilMode         round the output size up instead of down
 * @param countIncludePad  AveragePool only: count padded zeros in the average
 */
public record PoolOptions(
        List<Long> kernelShape, List<Long> strides, List<Long> pads, boolean ceilMode, boolean countIncludePad) {
    public PoolOptions {
        kernelShape = List.copyOf(kernelShape);
        strides = List.copyOf(strides);
        pads = List.copyOf(pads);
        SpatialChecks.check("Pool", kernelShape, strides, pads, Collections.nCopies(kernelShape.size(), 1L));
    }

    /** Starts options for a window of the given spatial sizes (e.g. {@code builder(2, 2)}). */
    public static Builder builder(long... kernelShape) {
        return new Builder(kernelShape);
    }

    /** Builds {@link PoolOptions}. */
    public static final class Builder {
        private final List<Long> kernel;
        private List<Long> strides;
        private List<Long> pads;
        private boolean ceilMode;
        private boolean countIncludePad;

        private Builder(long[] kernelShape) {
            kernel = SpatialChecks.list(kernelShape);
            strides = Collections.nCopies(kernel.size(), 1L);
            pads = Collections.nCopies(2 * kernel.size(), 0L);
        }

        public Builder strides(long... values) {
            strides = SpatialChecks.list(values);
            return this;
        }

        /** Begin pads for every spatial axis, then end pads. */
        public Builder pads(long... values) {
            pads = SpatialChecks.list(values);
            return this;
        }

        public Builder ceilMode(boolean value) {
            ceilMode = value;
            return this;
        }

        public Builder countIncludePad(boolean value) {
            countIncludePad = value;
            return this;
        }

        public PoolOptions build() {
            return new PoolOptions(kernel, strides, pads, ceilMode, countIncludePad);
        }
    }
}
