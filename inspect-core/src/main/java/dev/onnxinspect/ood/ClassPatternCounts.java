package dev.onnxinspect.ood;

import dev.onnxinspect.runtime.LayerActivations;
import java.io.Serializable;
import java.util.Objects;

/**
 * Per-class S1 counts of one layer on the fit set, grouped by TRUE label (SPEC §2, §5): count[c][j] = number of
 * class-c fit samples with unit j active, and N_c. The shared fit state of the activation-profile KL and pattern
 * distance detectors. Memory K * units longs. Mutable, not thread-safe.
 */
final class ClassPatternCounts implements Serializable {
    private final String layer;
    private final int classes;
    private final double tau;
    private final long[] sizes;
    private long[] counts;
    private int units = -1;

    ClassPatternCounts(String layer, int classes, double tau) {
        S1Patterns.checkTau(tau);
        this.layer = Objects.requireNonNull(layer, "layer");
        this.classes = ClassCount.check(classes);
        this.tau = tau;
        this.sizes = new long[classes];
    }

    void accept(DetectorInput batch, String who) {
        batch.require(DetectorInputKind.LABELS, who);
        LayerActivations a = S1Patterns.layer(batch, layer, units, who);
        init(a.units());
        float[] v = a.values();
        for (int i = 0; i < batch.samples(); i++) {
            int c = ClassCount.checked(batch.label(i), classes, i, "label");
            sizes[c]++;
            int from = i * units;
            for (int j = 0; j < units; j++) {
                if (v[from + j] > tau) {
                    counts[c * units + j]++;
                }
            }
        }
    }

    private void init(int u) {
        if (units < 0) {
            units = u;
            counts = new long[classes * u];
        }
    }

    void merge(ClassPatternCounts o, String who) {
        if (!o.layer.equals(layer) || o.classes != classes || Double.compare(o.tau, tau) != 0) {
            throw new OodException(who + ": can only merge accumulators of layer " + layer + ", " + classes
                    + " classes and tau " + tau + "; got layer " + o.layer + ", " + o.classes + " classes, tau "
                    + o.tau);
        }
        if (o.units < 0) {
            return;
        }
        if (units >= 0 && units != o.units) {
            throw new OodException(
                    who + ": accumulators saw " + units + " and " + o.units + " units of layer " + layer);
        }
        init(o.units);
        for (int k = 0; k < counts.length; k++) {
            counts[k] += o.counts[k];
        }
        for (int c = 0; c < classes; c++) {
            sizes[c] += o.sizes[c];
        }
    }

    String layer() {
        return layer;
    }

    int classes() {
        return classes;
    }

    double tau() {
        return tau;
    }

    int units() {
        return units;
    }

    long size(int c) {
        return sizes[c];
    }

    long count(int c, int j) {
        return counts[c * units + j];
    }

    /** Throws when nothing was seen; returns the classes that have samples. */
    boolean[] present(String who) {
        boolean[] present = new boolean[classes];
        boolean any = false;
        for (int c = 0; c < classes; c++) {
            present[c] = sizes[c] > 0;
            any |= present[c];
        }
        if (!any) {
            throw new OodException(who + " has no fit samples: accept at least one labelled batch with activations of "
                    + "layer " + layer);
        }
        return present;
    }
}
