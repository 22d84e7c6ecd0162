package dev.onnxinspect.onnx.graph;

import java.util.ArrayList;
import java.util.List;

/** Checks shared by convolution and pooling attributes. */
final class SpatialChecks {
    private SpatialChecks() {}

    static List<Long> list(long[] values) {
        List<Long> list = new ArrayList<>(values.length);
        for (long v : values) {
            list.add(v);
        }
        return list;
    }

    static void check(String op, List<Long> kernel, List<Long> strides, List<Long> pads, List<Long> dilations) {
        int k = kernel.size();
        if (k == 0) {
            throw new GraphBuildException(op + ": kernel_shape is empty; expected one size per spatial axis");
        }
        requireAll(op, "kernel_shape", kernel, 1);
        if (strides.size() != k) {
            throw new GraphBuildException(op + ": strides has " + strides.size() + " entries but kernel_shape has " + k
                    + "; expected one stride per spatial axis");
        }
        requireAll(op, "strides", strides, 1);
        if (pads.size() != 2 * k) {
            throw new GraphBuildException(op + ": pads has " + pads.size() + " entries; expected " + 2 * k
                    + " (begin pads for every spatial axis, then end pads)");
        }
        requireAll(op, "pads", pads, 0);
        if (dilations.size() != k) {
            throw new GraphBuildException(op + ": dilations has " + dilations.size() + " entries but kernel_shape has "
                    + k + "; expected one dilation per spatial axis");
        }
        requireAll(op, "dilations", dilations, 1);
    }

    private static void requireAll(String op, String attribute, List<Long> values, long min) {
        for (long v : values) {
            if (v < min) {
                throw new GraphBuildException(
                        op + ": " + attribute + " " + values + " contains " + v + "; every entry must be >= " + min);
            }
        }
    }
}
