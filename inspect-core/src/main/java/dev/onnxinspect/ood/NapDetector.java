package dev.onnxinspect.ood;

import dev.onnxinspect.runtime.LayerActivations;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * NAP Hamming (SPEC §5), for one layer: the Hamming distance from the sample's S1 pattern to the nearest S1 pattern
 * of the fit samples <em>predicted</em> as the same class (yhat = argmax, ties to the lowest index). Patterns are bit
 * sets (64 units per word, XOR + bit count). The accumulator keeps each class's distinct patterns (equal patterns
 * give the same minimum, so duplicates are dropped; equality is exact).
 *
 * <p>Choice: a sample predicted as a class that no fit sample was predicted as scores {@code +infinity}; such
 * classes are logged as a warning at fit time.
 */
public final class NapDetector extends LayerPatternDetector {
    static final String TYPE = "nap_hamming";
    private static final Logger LOG = LoggerFactory.getLogger(NapDetector.class);
    /** per class: its distinct patterns, each {@code words(units)} longs, concatenated; null when none. */
    private final long[][] patterns;

    private NapDetector(String layer, int classes, double tau, int units, long[][] patterns) {
        super(layer, classes, tau, units);
        this.patterns = patterns;
    }

    /** A fit accumulator with tau = 0. */
    public static Accumulator accumulator(String layer, int classes) {
        return accumulator(layer, classes, 0);
    }

    /** A fit accumulator with S1 threshold tau. */
    public static Accumulator accumulator(String layer, int classes, double tau) {
        S1Patterns.checkTau(tau);
        return new Accumulator(Objects.requireNonNull(layer, "layer"), ClassCount.check(classes), tau);
    }

    /** The number of distinct fit patterns kept for class c. */
    public int patternCount(int c) {
        return patterns[c] == null ? 0 : patterns[c].length / S1Patterns.words(units);
    }

    @Override
    public double[] score(DetectorInput input) {
        LayerActivations a = checkedActivations(input);
        int words = S1Patterns.words(units);
        long[] bits = new long[words];
        double[] scores = new double[input.samples()];
        for (int i = 0; i < scores.length; i++) {
            long[] stored = patterns[input.predictedClass(i)];
            if (stored == null) {
                scores[i] = Double.POSITIVE_INFINITY;
                continue;
            }
            S1Patterns.bits(a, i, tau, bits);
            int best = Integer.MAX_VALUE;
            for (int p = 0; p < stored.length && best > 0; p += words) {
                int distance = 0;
                for (int w = 0; w < words; w++) {
                    distance += Long.bitCount(bits[w] ^ stored[p + w]);
                }
                best = Math.min(best, distance);
            }
            scores[i] = best;
        }
        return scores;
    }

    @Override
    public String typeId() {
        return TYPE;
    }

    @Override
    public void writeState(DataOutputStream out) throws IOException {
        out.writeUTF(layer);
        out.writeInt(classes);
        out.writeDouble(tau);
        out.writeInt(units);
        for (long[] p : patterns) {
            out.writeBoolean(p != null);
            if (p != null) {
                StateIo.writeLongs(out, p);
            }
        }
    }

    static NapDetector read(DataInputStream in) throws IOException {
        String layer = in.readUTF();
        int classes = ClassCount.checkSaved(in.readInt());
        double tau = in.readDouble();
        int units = in.readInt();
        long[][] patterns = new long[classes][];
        for (int c = 0; c < classes; c++) {
            if (in.readBoolean()) {
                patterns[c] = StateIo.readLongs(in);
            }
        }
        return new NapDetector(layer, classes, tau, units, patterns);
    }

    /** One stored pattern; equality is exact on the bits. */
    private record Pattern(long[] bits) implements Serializable {
        @Override
        public boolean equals(Object o) {
            return o instanceof Pattern p && Arrays.equals(bits, p.bits);
        }

        @Override
        public int hashCode() {
            return Arrays.hashCode(bits);
        }

        @Override
        public String toString() {
            return "Pattern" + Arrays.toString(bits);
        }
    }

    /** Keeps the distinct S1 patterns per predicted class. Mutable, not thread-safe. */
    public static final class Accumulator implements FitAccumulator<NapDetector> {
        private final String layer;
        private final int classes;
        private final double tau;
        private final List<Set<Pattern>> perClass = new ArrayList<>();
        private int units = -1;

        private Accumulator(String layer, int classes, double tau) {
            this.layer = layer;
            this.classes = classes;
            this.tau = tau;
            for (int c = 0; c < classes; c++) {
                perClass.add(new LinkedHashSet<>());
            }
        }

        @Override
        public void accept(DetectorInput batch) {
            String who = "nap_hamming fit";
            batch.require(DetectorInputKind.LOGITS, who);
            ClassCount.checkLogitWidth(batch, classes, who);
            LayerActivations a = S1Patterns.layer(batch, layer, units, who);
            units = a.units();
            for (int i = 0; i < batch.samples(); i++) {
                long[] bits = new long[S1Patterns.words(units)];
                S1Patterns.bits(a, i, tau, bits);
                perClass.get(batch.predictedClass(i)).add(new Pattern(bits));
            }
        }

        @Override
        public void merge(FitAccumulator<NapDetector> other) {
            if (!(other instanceof Accumulator o)
                    || !o.layer.equals(layer)
                    || o.classes != classes
                    || Double.compare(o.tau, tau) != 0) {
                throw new OodException("can only merge a NAP accumulator of layer " + layer + ", " + classes
                        + " classes and tau " + tau + ", got " + other);
            }
            if (o.units < 0) {
                return;
            }
            if (units >= 0 && units != o.units) {
                throw new OodException("nap_hamming fit: accumulators saw " + units + " and " + o.units + " units");
            }
            units = o.units;
            for (int c = 0; c < classes; c++) {
                perClass.get(c).addAll(o.perClass.get(c));
            }
        }

        @Override
        public NapDetector result() {
            if (units < 0) {
                throw new OodException("NAP has no fit samples: accept at least one batch with logits and "
                        + "activations of layer " + layer);
            }
            int words = S1Patterns.words(units);
            long[][] patterns = new long[classes][];
            boolean[] present = new boolean[classes];
            for (int c = 0; c < classes; c++) {
                Set<Pattern> set = perClass.get(c);
                if (set.isEmpty()) {
                    continue;
                }
                present[c] = true;
                patterns[c] = new long[set.size() * words];
                int p = 0;
                for (Pattern pattern : set) {
                    System.arraycopy(pattern.bits(), 0, patterns[c], p, words);
                    p += words;
                }
            }
            if (!ClassCount.missing(present).isEmpty()) {
                LOG.warn(
                        "nap_hamming[{}]: no fit sample predicted as class(es) {}; samples predicted as them score "
                                + "+infinity",
                        layer,
                        ClassCount.missing(present));
            }
            return new NapDetector(layer, classes, tau, units, patterns);
        }
    }
}
