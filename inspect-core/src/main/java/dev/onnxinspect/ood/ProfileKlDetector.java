package dev.onnxinspect.ood;

import dev.onnxinspect.runtime.LayerActivations;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Activation-profile KL (this library, SPEC §5), for one layer: {@code KL(q_x || P_yhat)} with q_x the sample's S1
 * pattern normalised to sum 1 (not smoothed) and P_c the alpha-smoothed S1 profile of class c (SPEC §4,
 * P_c(u) = (F[c,u] + alpha) / sum_v (F[c,v] + alpha)), fitted on the TRUE labels. With m active units the score is
 * {@code -ln m - (1/m) sum_active ln P(u)}; a sample with no active unit scores {@code +infinity}.
 *
 * <p>Choice: a sample predicted as a class without fit samples (no profile) scores {@code +infinity} too; such
 * classes are logged as a warning at fit time.
 */
public final class ProfileKlDetector extends LayerPatternDetector {
    static final String TYPE = "profile_kl";
    /** SPEC §4 default smoothing. */
    public static final double DEFAULT_ALPHA = 1e-6;

    private static final Logger LOG = LoggerFactory.getLogger(ProfileKlDetector.class);
    private final double alpha;
    private final double[][] logProfiles;

    private ProfileKlDetector(String layer, int classes, double tau, double alpha, int units, double[][] logProfiles) {
        super(layer, classes, tau, units);
        this.alpha = alpha;
        this.logProfiles = logProfiles;
    }

    /** A fit accumulator with tau = 0 and alpha = 1e-6. */
    public static Accumulator accumulator(String layer, int classes) {
        return accumulator(layer, classes, 0, DEFAULT_ALPHA);
    }

    /** A fit accumulator with S1 threshold tau and smoothing alpha &gt; 0. */
    public static Accumulator accumulator(String layer, int classes, double tau, double alpha) {
        if (!(alpha > 0) || Double.isInfinite(alpha)) {
            throw new OodException("profile smoothing alpha must be positive and finite, got " + alpha);
        }
        return new Accumulator(new ClassPatternCounts(layer, classes, tau), alpha);
    }

    /** ln P_c(u) (a copy). */
    public double[] logProfile(int c) {
        if (logProfiles[c] == null) {
            throw new OodException("class " + c + " had no fit samples, so it has no profile");
        }
        return logProfiles[c].clone();
    }

    @Override
    public double[] score(DetectorInput input) {
        LayerActivations a = checkedActivations(input);
        float[] v = a.values();
        double[] scores = new double[input.samples()];
        for (int i = 0; i < scores.length; i++) {
            double[] lp = logProfiles[input.predictedClass(i)];
            int m = 0;
            double sum = 0;
            if (lp != null) {
                for (int j = 0; j < units; j++) {
                    if (v[i * units + j] > tau) {
                        m++;
                        sum += lp[j];
                    }
                }
            }
            scores[i] = lp == null || m == 0 ? Double.POSITIVE_INFINITY : -Math.log(m) - sum / m;
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
        out.writeDouble(alpha);
        out.writeInt(units);
        for (double[] lp : logProfiles) {
            out.writeBoolean(lp != null);
            if (lp != null) {
                StateIo.writeDoubles(out, lp);
            }
        }
    }

    static ProfileKlDetector read(DataInputStream in) throws IOException {
        String layer = in.readUTF();
        int classes = ClassCount.checkSaved(in.readInt());
        double tau = in.readDouble();
        double alpha = in.readDouble();
        int units = in.readInt();
        double[][] lp = new double[classes][];
        for (int c = 0; c < classes; c++) {
            if (in.readBoolean()) {
                lp[c] = StateIo.readDoubles(in);
            }
        }
        return new ProfileKlDetector(layer, classes, tau, alpha, units, lp);
    }

    /** Counts S1 activity per true class. Memory K * units longs. Mutable, not thread-safe. */
    public static final class Accumulator implements FitAccumulator<ProfileKlDetector> {
        private final ClassPatternCounts counts;
        private final double alpha;

        private Accumulator(ClassPatternCounts counts, double alpha) {
            this.counts = counts;
            this.alpha = alpha;
        }

        @Override
        public void accept(DetectorInput batch) {
            counts.accept(batch, "profile_kl fit");
        }

        @Override
        public void merge(FitAccumulator<ProfileKlDetector> other) {
            if (!(other instanceof Accumulator o) || o.alpha != alpha) {
                throw new OodException(
                        "can only merge a profile-KL accumulator with alpha " + alpha + ", got " + other);
            }
            counts.merge(o.counts, "profile_kl fit");
        }

        /** ln P_c(u) = ln(F[c,u] + alpha) - ln(sum_v (F[c,v] + alpha)), F = count / N_c. */
        @Override
        public ProfileKlDetector result() {
            boolean[] present = counts.present("profile_kl fit");
            int units = counts.units();
            double[][] lp = new double[counts.classes()][];
            for (int c = 0; c < lp.length; c++) {
                if (!present[c]) {
                    continue;
                }
                double n = counts.size(c);
                double total = 0;
                lp[c] = new double[units];
                for (int j = 0; j < units; j++) {
                    lp[c][j] = counts.count(c, j) / n + alpha;
                    total += lp[c][j];
                }
                double logTotal = Math.log(total);
                for (int j = 0; j < units; j++) {
                    lp[c][j] = Math.log(lp[c][j]) - logTotal;
                }
            }
            if (!ClassCount.missing(present).isEmpty()) {
                LOG.warn(
                        "profile_kl[{}]: class(es) {} have no fit samples; samples predicted as them score +infinity",
                        counts.layer(),
                        ClassCount.missing(present));
            }
            return new ProfileKlDetector(counts.layer(), counts.classes(), counts.tau(), alpha, units, lp);
        }
    }
}
