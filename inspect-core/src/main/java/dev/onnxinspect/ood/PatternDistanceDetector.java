package dev.onnxinspect.ood;

import dev.onnxinspect.runtime.LayerActivations;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Pattern distance (this library, SPEC §5), for one layer: {@code 1 - cosine(s1(a_l(x)), F_l[yhat, .])} with F the
 * class-wise S1 activation frequency (SPEC §2) of the fit set, grouped by TRUE label. The cosine is 0 when either
 * vector is all zeros (as in SPEC §9), so such a sample scores 1.
 *
 * <p>Choice: a sample predicted as a class without fit samples (no F row) scores {@code +infinity}; such classes are
 * logged as a warning at fit time.
 */
public final class PatternDistanceDetector extends LayerPatternDetector {
    static final String TYPE = "pattern_distance";
    private static final Logger LOG = LoggerFactory.getLogger(PatternDistanceDetector.class);
    private final double[][] frequencies;
    private final double[] norms;

    private PatternDistanceDetector(String layer, int classes, double tau, int units, double[][] frequencies) {
        super(layer, classes, tau, units);
        this.frequencies = frequencies;
        this.norms = new double[classes];
        for (int c = 0; c < classes; c++) {
            if (frequencies[c] != null) {
                double s = 0;
                for (double f : frequencies[c]) {
                    s += f * f;
                }
                norms[c] = Math.sqrt(s);
            }
        }
    }

    /** A fit accumulator with tau = 0. */
    public static Accumulator accumulator(String layer, int classes) {
        return accumulator(layer, classes, 0);
    }

    /** A fit accumulator with S1 threshold tau. */
    public static Accumulator accumulator(String layer, int classes, double tau) {
        return new Accumulator(new ClassPatternCounts(layer, classes, tau));
    }

    /** F[c, .] (a copy). */
    public double[] frequencies(int c) {
        if (frequencies[c] == null) {
            throw new OodException("class " + c + " had no fit samples, so it has no frequencies");
        }
        return frequencies[c].clone();
    }

    /** cos = sum_active F[u] / (sqrt(m) ||F||), as s1 is a 0/1 vector with m ones. */
    @Override
    public double[] score(DetectorInput input) {
        LayerActivations a = checkedActivations(input);
        float[] v = a.values();
        double[] scores = new double[input.samples()];
        for (int i = 0; i < scores.length; i++) {
            int c = input.predictedClass(i);
            double[] f = frequencies[c];
            if (f == null) {
                scores[i] = Double.POSITIVE_INFINITY;
                continue;
            }
            int m = 0;
            double dot = 0;
            for (int j = 0; j < units; j++) {
                if (v[i * units + j] > tau) {
                    m++;
                    dot += f[j];
                }
            }
            double cosine = m == 0 || norms[c] == 0 ? 0 : dot / (Math.sqrt(m) * norms[c]);
            scores[i] = 1 - cosine;
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
        for (double[] f : frequencies) {
            out.writeBoolean(f != null);
            if (f != null) {
                StateIo.writeDoubles(out, f);
            }
        }
    }

    static PatternDistanceDetector read(DataInputStream in) throws IOException {
        String layer = in.readUTF();
        int classes = in.readInt();
        double tau = in.readDouble();
        int units = in.readInt();
        double[][] f = new double[classes][];
        for (int c = 0; c < classes; c++) {
            if (in.readBoolean()) {
                f[c] = StateIo.readDoubles(in);
            }
        }
        return new PatternDistanceDetector(layer, classes, tau, units, f);
    }

    /** Counts S1 activity per true class. Memory K * units longs. Mutable, not thread-safe. */
    public static final class Accumulator implements FitAccumulator<PatternDistanceDetector> {
        private final ClassPatternCounts counts;

        private Accumulator(ClassPatternCounts counts) {
            this.counts = counts;
        }

        @Override
        public void accept(DetectorInput batch) {
            counts.accept(batch, "pattern_distance fit");
        }

        @Override
        public void merge(FitAccumulator<PatternDistanceDetector> other) {
            if (!(other instanceof Accumulator o)) {
                throw new OodException("can only merge a pattern-distance accumulator, got " + other);
            }
            counts.merge(o.counts, "pattern_distance fit");
        }

        @Override
        public PatternDistanceDetector result() {
            boolean[] present = counts.present("pattern_distance fit");
            int units = counts.units();
            double[][] f = new double[counts.classes()][];
            for (int c = 0; c < f.length; c++) {
                if (present[c]) {
                    f[c] = new double[units];
                    for (int j = 0; j < units; j++) {
                        f[c][j] = (double) counts.count(c, j) / counts.size(c);
                    }
                }
            }
            if (!ClassCount.missing(present).isEmpty()) {
                LOG.warn("pattern_distance[{}]: class(es) {} have no fit samples; samples predicted as them score "
                        + "+infinity", counts.layer(), ClassCount.missing(present));
            }
            return new PatternDistanceDetector(counts.layer(), counts.classes(), counts.tau(), units, f);
        }
    }
}
