package dev.onnxinspect.stats;

/**
 * Class-wise KL divergences between class profiles (SPEC §4), in nats. Stateless.
 */
public final class KlDivergence {
    private KlDivergence() {}

    /**
     * {@code KL(P || Q) = sum_u P(u) ln(P(u) / Q(u))}, summed in index order in float64. Terms with P(u) = 0 are
     * 0; a term with P(u) > 0 and Q(u) = 0 makes the divergence +inf (only possible with alpha = 0).
     *
     * @throws StatsException when the vectors differ in length
     */
    public static double kl(double[] p, double[] q) {
        if (p.length != q.length) {
            throw new StatsException(
                    "KL needs profiles over the same units, got " + p.length + " and " + q.length + " units");
        }
        double sum = 0.0;
        for (int u = 0; u < p.length; u++) {
            if (p[u] > 0) {
                if (!(q[u] > 0)) {
                    return Double.POSITIVE_INFINITY;
                }
                sum += p[u] * Math.log(p[u] / q[u]);
            }
        }
        return sum;
    }

    /** The K x K matrix {@code KL(P_c || P_c')} within one dataset (zero diagonal). */
    public static KlMatrix within(ClassProfiles profiles, String label) {
        return between(profiles, label, profiles, label);
    }

    /**
     * {@code KL(P_c || Q_c')} for every class c of p and c' of q.
     *
     * @throws StatsException when the profiles are over different units or quantities
     */
    public static KlMatrix between(ClassProfiles p, String pLabel, ClassProfiles q, String qLabel) {
        if (!p.quantity().equals(q.quantity())) {
            throw new StatsException("cannot compare " + p.quantity() + " profiles (" + pLabel + ") with "
                    + q.quantity() + " profiles (" + qLabel + "); compare profiles of the same quantity");
        }
        if (!p.isEmpty() && !q.isEmpty() && p.units() != q.units()) {
            throw new StatsException("profiles of " + pLabel + " have " + p.units() + " units but those of " + qLabel
                    + " have " + q.units() + "; compare the same layer");
        }
        int[] pc = p.classIds();
        int[] qc = q.classIds();
        double[][] values = new double[pc.length][qc.length];
        for (int r = 0; r < pc.length; r++) {
            for (int k = 0; k < qc.length; k++) {
                values[r][k] = kl(p.row(r), q.row(k));
            }
        }
        return new KlMatrix(pLabel, qLabel, pc, qc, values);
    }

    /** Both directions between two datasets A and B. */
    public static CrossKl cross(ClassProfiles a, String aLabel, ClassProfiles b, String bLabel) {
        return new CrossKl(between(a, aLabel, b, bLabel), between(b, bLabel, a, aLabel));
    }
}
