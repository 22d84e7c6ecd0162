package dev.onnxinspect.ood;

import dev.onnxinspect.OnnxInspectException.Kind;
import dev.onnxinspect.runtime.LayerActivations;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.util.Arrays;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Pattern distance (this library, SPEC §5), for one layer: {@code 1 - cosine(s1(a_l(x)), F_l[yhat, .])} with F the
 * class-wise S1 activation frequency (SPEC §2) of the fit set, grouped by TRUE label.
 *
 * <p>The cosine is computed from integers (SPEC §5, "Details that change numbers", amended 2026-12-07): F[c, .] is
 * the count vector C_c (the number of class-c fit samples with each unit active) divided by N_c, and the cosine does
 * not change under that scaling, so with A the sample's active set
 * {@code cosine = (sum_{j in A} C_j) / (sqrt(|A|) * sqrt(sum_j C_j^2))}, both sums exact {@code long}s. Samples with
 * the same pattern, and patterns with the same count sum and size, get bit-identical scores (summing float
 * frequencies in another order would split such ties and move the ROC). The detector keeps the counts, not the
 * frequencies.
 *
 * <p>Choice: the cosine is 0 when either vector is all zeros (as in SPEC §9), so a sample with no active unit, or one
 * predicted as a class whose fit samples never activated this layer (all counts 0), scores 1. A sample predicted as a
 * class without fit samples (no count row) scores {@code +infinity}; such classes are logged as a warning at fit
 * time.
 */
public final class PatternDistanceDetector extends LayerPatternDetector {
    static final String TYPE = "pattern_distance";
    private static final Logger LOG = LoggerFactory.getLogger(PatternDistanceDetector.class);
    /** N_c, 0 for a class without fit samples. */
    private final long[] sizes;
    /** C_c, or null for a class without fit samples. */
    private final long[][] counts;
    /** sqrt(sum_j C_j^2) of each class, the sum exact; 0 for a class without fit samples or active units. */
    private final double[] countNorms;

    private PatternDistanceDetector(String layer, int classes, double tau, int units, long[] sizes, long[][] counts) {
        super(layer, classes, tau, units);
        this.sizes = sizes;
        this.counts = counts;
        this.countNorms = new double[classes];
        for (int c = 0; c < classes; c++) {
            if (counts[c] == null) {
                continue;
            }
            if (sizes[c] < 1 || counts[c].length != units) {
                throw new OodException(name() + ": class " + c + " has " + sizes[c] + " fit samples and "
                        + counts[c].length + " counts, expected at least 1 sample and " + units + " counts; the saved"
                        + " detector is damaged: fit and save it again");
            }
            long squares = 0;
            for (long n : counts[c]) {
                if (n < 0 || n > sizes[c]) {
                    throw new OodException(name() + ": class " + c + " has the count " + n + " for " + sizes[c]
                            + " fit samples, expected 0 to " + sizes[c] + "; the saved detector is damaged: fit and"
                            + " save it again");
                }
                try {
                    squares = Math.addExact(squares, Math.multiplyExact(n, n));
                } catch (ArithmeticException overflow) {
                    throw new OodException(
                            Kind.UNSUPPORTED,
                            name() + ": class " + c + " has " + sizes[c] + " fit"
                                    + " samples over " + units
                                    + " units, so the sum of its squared counts exceeds 2^63;"
                                    + " fit on fewer samples per class or on a layer with fewer units",
                            overflow);
                }
            }
            countNorms[c] = Math.sqrt((double) squares);
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

    /** F[c, .] = C_c / N_c (a copy). */
    public double[] frequencies(int c) {
        long[] n = classCounts(c);
        double[] f = new double[units];
        for (int j = 0; j < units; j++) {
            f[j] = (double) n[j] / sizes[c];
        }
        return f;
    }

    /** C_c: for each unit, the number of class-c fit samples with the unit active (a copy). */
    public long[] counts(int c) {
        return classCounts(c).clone();
    }

    private long[] classCounts(int c) {
        if (c < 0 || c >= classes) {
            throw new OodException("class " + c + " is outside [0, " + classes + ") of " + name());
        }
        if (counts[c] == null) {
            throw new OodException("class " + c + " had no fit samples, so it has no frequencies");
        }
        return counts[c];
    }

    /** cos = sum_{j in A} C_j / (sqrt(|A|) sqrt(sum_j C_j^2)), as s1 is a 0/1 vector with |A| ones (SPEC §5). */
    @Override
    public double[] score(DetectorInput input) {
        LayerActivations a = checkedActivations(input);
        float[] v = a.values();
        double[] scores = new double[input.samples()];
        for (int i = 0; i < scores.length; i++) {
            int c = input.predictedClass(i);
            long[] n = counts[c];
            if (n == null) {
                scores[i] = Double.POSITIVE_INFINITY;
                continue;
            }
            int active = 0;
            long sum = 0;
            for (int j = 0; j < units; j++) {
                if (v[i * units + j] > tau) {
                    active++;
                    sum += n[j];
                }
            }
            double cosine = active == 0 || countNorms[c] == 0 ? 0 : sum / (Math.sqrt(active) * countNorms[c]);
            scores[i] = 1 - cosine;
        }
        return scores;
    }

    @Override
    public String typeId() {
        return TYPE;
    }

    /** Since detector format version 2: per class a flag, then N_c and the counts C_c (format version 1: F). */
    @Override
    public void writeState(DataOutputStream out) throws IOException {
        out.writeUTF(layer);
        out.writeInt(classes);
        out.writeDouble(tau);
        out.writeInt(units);
        for (int c = 0; c < classes; c++) {
            out.writeBoolean(counts[c] != null);
            if (counts[c] != null) {
                out.writeLong(sizes[c]);
                StateIo.writeLongs(out, counts[c]);
            }
        }
    }

    static PatternDistanceDetector read(DataInputStream in) throws IOException {
        String layer = in.readUTF();
        int classes = ClassCount.checkSaved(in.readInt());
        double tau = in.readDouble();
        int units = in.readInt();
        // each class takes at least one byte in the file: a damaged count ends in EOF before allocating much
        long[] sizes = new long[Math.min(classes, 1 << 16)];
        long[][] counts = new long[sizes.length][];
        for (int c = 0; c < classes; c++) {
            if (c == sizes.length) {
                int grown = (int) Math.min(classes, 2L * sizes.length);
                sizes = Arrays.copyOf(sizes, grown);
                counts = Arrays.copyOf(counts, grown);
            }
            if (in.readBoolean()) {
                sizes[c] = in.readLong();
                counts[c] = StateIo.readLongs(in);
            }
        }
        return new PatternDistanceDetector(layer, classes, tau, units, sizes, counts);
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
            long[] sizes = new long[counts.classes()];
            long[][] c = new long[counts.classes()][];
            for (int k = 0; k < c.length; k++) {
                if (present[k]) {
                    sizes[k] = counts.size(k);
                    c[k] = new long[units];
                    for (int j = 0; j < units; j++) {
                        c[k][j] = counts.count(k, j);
                    }
                }
            }
            if (!ClassCount.missing(present).isEmpty()) {
                LOG.warn(
                        "pattern_distance[{}]: class(es) {} have no fit samples; samples predicted as them score "
                                + "+infinity",
                        counts.layer(),
                        ClassCount.missing(present));
            }
            return new PatternDistanceDetector(counts.layer(), counts.classes(), counts.tau(), units, sizes, c);
        }
    }
}
