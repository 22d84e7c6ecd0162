package dev.onnxinspect.stats;

import java.util.Arrays;
import java.util.Objects;

/**
 * A matrix of KL divergences {@code KL(P_c || Q_c')} in nats (SPEC §4): rows are the classes of the P profiles,
 * columns those of the Q profiles; only classes with samples appear.
 *
 * @param pLabel   which profiles are P (e.g. the dataset name)
 * @param qLabel   which profiles are Q
 * @param pClasses the row class ids; copied
 * @param qClasses the column class ids; copied
 * @param values   {@code values[r][k] = KL(P_{pClasses[r]} || Q_{qClasses[k]})}, each >= 0 or +inf; deep-copied
 */
public record KlMatrix(String pLabel, String qLabel, int[] pClasses, int[] qClasses, double[][] values) {
    public KlMatrix {
        Objects.requireNonNull(pLabel, "pLabel");
        Objects.requireNonNull(qLabel, "qLabel");
        pClasses = pClasses.clone();
        qClasses = qClasses.clone();
        if (values.length != pClasses.length) {
            throw new StatsException(
                    "a KL matrix needs one row per P class (" + pClasses.length + "), got " + values.length);
        }
        double[][] copy = new double[values.length][];
        for (int r = 0; r < values.length; r++) {
            if (values[r].length != qClasses.length) {
                throw new StatsException(
                        "a KL matrix needs one column per Q class (" + qClasses.length + "), got " + values[r].length);
            }
            copy[r] = values[r].clone();
        }
        values = copy;
    }

    /** KL(P_pClass || Q_qClass). */
    public double get(int pClass, int qClass) {
        return values[index(pClasses, pClass, "P")][index(qClasses, qClass, "Q")];
    }

    private static int index(int[] ids, int id, String side) {
        for (int k = 0; k < ids.length; k++) {
            if (ids[k] == id) {
                return k;
            }
        }
        throw new StatsException(
                "class " + id + " has no " + side + " profile; classes present: " + Arrays.toString(ids));
    }

    @Override
    public int[] pClasses() {
        return pClasses.clone();
    }

    @Override
    public int[] qClasses() {
        return qClasses.clone();
    }

    @Override
    public double[][] values() {
        double[][] copy = new double[values.length][];
        for (int r = 0; r < values.length; r++) {
            copy[r] = values[r].clone();
        }
        return copy;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof KlMatrix m
                && pLabel.equals(m.pLabel)
                && qLabel.equals(m.qLabel)
                && Arrays.equals(pClasses, m.pClasses)
                && Arrays.equals(qClasses, m.qClasses)
                && Arrays.deepEquals(values, m.values);
    }

    @Override
    public int hashCode() {
        return Objects.hash(
                pLabel, qLabel, Arrays.hashCode(pClasses), Arrays.hashCode(qClasses), Arrays.deepHashCode(values));
    }

    @Override
    public String toString() {
        return "KlMatrix[" + pLabel + " || " + qLabel + ", " + pClasses.length + " x " + qClasses.length + "]";
    }
}
