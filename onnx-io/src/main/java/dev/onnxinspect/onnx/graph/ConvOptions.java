package dev.onnxinspect.onnx.graph;

import java.util.Collections;
import java.util.List;

/**
 * The attributes of an ONNX {@code Conv}: kernel shape, strides, pads (begin values for every spatial axis, then
 * end values: {@code [x1_begin, x2_begin, x1_end, x2_end]}), dilations and group count. Made by
 * {@link #builder(long...)}; unspecified values default to stride 1, no padding, dilation 1, one group.
 *
 * @param kernelShape one size per spatial axis
 * @param strides     one stride per spatial axis
 * @param pads        begin pads then end pads, two per spatial axis
 * @param dilations   one dilation per spatial axis
 * @param group       the number of groups (1 = ordinary convolution, channels = depthwise)
 */
public record ConvOptions(
        List<Long> kernelShape, List<Long> strides, List<Long> pads, List<Long> dilations, long group) {
    public ConvOptions {
        kernelShape = List.copyOf(kernelShape);
        strides = List.copyOf(strides);
        pads = List.copyOf(pads);
        dilations = List.copyOf(dilations);
        SpatialChecks.check("Conv", kernelShape, strides, pads, dilations);
        if (group < 1) {
            throw new GraphBuildException("Conv: group must be >= 1, got " + group);
        }
    }

    /** Starts options for a kernel of the given spatial sizes (e.g. {@code builder(3, 3)} for 3x3). */
    public static Builder builder(long... kernelShape) {
        return new Builder(kernelShape);
    }

    /** Builds {@link ConvOptions}; every setter replaces the default. */
    public static final class Builder {
        private final List<Long> kernel;
        private List<Long> strides;
        private List<Long> pads;
        private List<Long> dilations;
        private long group = 1;

        private Builder(long[] kernelShape) {
            kernel = SpatialChecks.list(kernelShape);
            strides = Collections.nCopies(kernel.size(), 1L);
            pads = Collections.nCopies(2 * kernel.size(), 0L);
            dilations = Collections.nCopies(kernel.size(), 1L);
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

        /** The same padding {@code p} at both ends of every spatial axis. */
        public Builder padding(long p) {
            pads = Collections.nCopies(2 * kernel.size(), p);
            return this;
        }

        public Builder dilations(long... values) {
            dilations = SpatialChecks.list(values);
            return this;
        }

        public Builder group(long value) {
            group = value;
            return this;
        }

        public ConvOptions build() {
            return new ConvOptions(kernel, strides, pads, dilations, group);
        }
    }
}
