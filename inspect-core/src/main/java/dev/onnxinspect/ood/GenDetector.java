package dev.onnxinspect.ood;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.util.Set;

/**
 * GEN, generalized entropy (Liu et al. 2023; SPEC §5b): {@code sum over the M largest p_c of p_c^gamma (1 -
 * p_c)^gamma}, p = softmax(z), gamma = 0.1 and M = 100 by default (all K when K <= M). Higher = more OOD. Not
 * fitted.
 *
 * <p>Details that change numbers (SPEC §5b): 1 - p is computed without cancellation: for the largest probability
 * (the lowest index among equal maxima) it is the sum of the other probabilities, e^(z_c - z_max) summed and divided
 * by the softmax denominator, so that a confident sample (p near 1, where a float32 or naive 1 - p rounds to 0 and
 * (1 - p)^0.1 is steep) keeps its small positive term; every other p is at most 1/2 and 1 - p is exact enough.
 * 0^gamma = 0. Ties at the cut of the M largest do not change the sum (equal values; lower index first, and the
 * largest p, the lowest index among equal maxima, is always one of them). Choice: the terms are added in class order
 * (the order fixes the last bits); the M largest are found by selection, O(K) per sample.
 */
public final class GenDetector implements PersistentDetector {
    static final String TYPE = "gen";
    public static final double DEFAULT_GAMMA = 0.1;
    public static final int DEFAULT_M = 100;

    private final double gamma;
    private final int m;

    private GenDetector(double gamma, int m) {
        if (!(gamma > 0) || Double.isInfinite(gamma)) {
            throw new OodException("GEN gamma must be positive and finite, got " + gamma);
        }
        if (m < 1) {
            throw new OodException("GEN M (how many of the largest probabilities are summed) must be >= 1, got " + m);
        }
        this.gamma = gamma;
        this.m = m;
    }

    /** GEN with gamma = 0.1 and M = 100, named {@code gen}. */
    public static GenDetector create() {
        return new GenDetector(DEFAULT_GAMMA, DEFAULT_M);
    }

    /** GEN with explicit gamma (> 0) and M (>= 1), named {@code gen}. */
    public static GenDetector create(double gamma, int m) {
        return new GenDetector(gamma, m);
    }

    public double gamma() {
        return gamma;
    }

    public int m() {
        return m;
    }

    @Override
    public String name() {
        return "gen";
    }

    @Override
    public Set<DetectorInputKind> requiredInputs() {
        return Set.of(DetectorInputKind.LOGITS);
    }

    @Override
    public double[] score(DetectorInput input) {
        input.require(DetectorInputKind.LOGITS, name());
        int k = input.classes();
        int top = Math.min(m, k);
        float[] z = input.logitArray();
        double[] p = new double[k];
        double[] scratch = new double[k];
        double[] scores = new double[input.samples()];
        for (int i = 0; i < scores.length; i++) {
            int from = i * k;
            int best = LogitMath.argmax(z, from, k);
            double max = z[from + best];
            double others = 0;
            for (int c = 0; c < k; c++) {
                if (c != best) {
                    p[c] = Math.exp(z[from + c] - max);
                    others += p[c];
                }
            }
            double denominator = 1 + others;
            for (int c = 0; c < k; c++) {
                p[c] = c == best ? 1 / denominator : p[c] / denominator;
            }
            double cut = Double.NEGATIVE_INFINITY; // with top = K every probability is summed
            int tiesToKeep = 0;
            if (top < k) {
                System.arraycopy(p, 0, scratch, 0, k);
                cut = Selection.kthSmallest(scratch, k, k - top); // the top-th largest probability
                int above = 0;
                for (int c = 0; c < k; c++) {
                    if (p[c] > cut) {
                        above++;
                    }
                }
                tiesToKeep = top - above;
            }
            double sum = 0;
            for (int c = 0; c < k; c++) {
                if (p[c] > cut || (p[c] == cut && tiesToKeep-- > 0)) {
                    sum += c == best ? term(p[c], others / denominator) : term(p[c], 1 - p[c]);
                }
            }
            scores[i] = sum;
        }
        return scores;
    }

    /** p^gamma (1 - p)^gamma with 1 - p given; 0^gamma = 0. */
    private double term(double p, double oneMinusP) {
        return Math.pow(p, gamma) * Math.pow(oneMinusP, gamma);
    }

    @Override
    public String typeId() {
        return TYPE;
    }

    @Override
    public void writeState(DataOutputStream out) throws IOException {
        out.writeDouble(gamma);
        out.writeInt(m);
    }

    static GenDetector read(DataInputStream in) throws IOException {
        return new GenDetector(in.readDouble(), in.readInt());
    }
}
