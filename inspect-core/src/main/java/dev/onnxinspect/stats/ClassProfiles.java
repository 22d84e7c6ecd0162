package dev.onnxinspect.stats;

import java.util.Arrays;
import java.util.Objects;

/**
 * Class profiles (SPEC §4): for each class with samples, a probability vector over units,
 * {@code P_c(u) = (F[c, u] + alpha) / sum_v (F[c, v] + alpha)}, alpha added to the frequencies (not the counts).
 * Classes without samples have no profile. Works on activation frequencies and on interaction frequencies
 * (any {@link FrequencyTable}).
 *
 * @param quantity      what the units are, e.g. {@code "S1"} or {@code "interaction-absolute"} (from the table)
 * @param classIds      the classes with a profile, ascending; copied
 * @param alpha         the smoothing, >= 0 and finite (default {@value #DEFAULT_ALPHA})
 * @param probabilities one row per class of {@code classIds}, each summing to 1 up to rounding; deep-copied
 */
public record ClassProfiles(String quantity, int[] classIds, double alpha, double[][] probabilities) {
    /** Default smoothing alpha. */
    public static final double DEFAULT_ALPHA = 1e-6;

    public ClassProfiles {
        Objects.requireNonNull(quantity, "quantity");
        classIds = classIds.clone();
        probabilities = deepCopy(probabilities);
        if (classIds.length != probabilities.length) {
            throw new StatsException(classIds.length + " class ids but " + probabilities.length + " profiles");
        }
        if (!(alpha >= 0) || Double.isInfinite(alpha)) {
            throw new StatsException(
                    "alpha must be finite and >= 0, got " + alpha + "; the default is " + DEFAULT_ALPHA);
        }
        for (double[] row : probabilities) {
            if (row.length != units(probabilities)) {
                throw new StatsException("every profile must have the same number of units");
            }
        }
    }

    /** Profiles with alpha = 1e-6. */
    public static ClassProfiles of(FrequencyTable table) {
        return of(table, DEFAULT_ALPHA);
    }

    /**
     * The profiles of a frequency table's classes.
     *
     * @throws StatsException when alpha = 0 and a class has no significant unit at all (its profile would be
     *                        0 / 0); use alpha > 0 then
     */
    public static ClassProfiles of(FrequencyTable table, double alpha) {
        if (!(alpha >= 0) || Double.isInfinite(alpha)) {
            throw new StatsException(
                    "alpha must be finite and >= 0, got " + alpha + "; the default is " + DEFAULT_ALPHA);
        }
        double[][] rows = new double[table.classes().size()][];
        for (int r = 0; r < rows.length; r++) {
            ClassCounts counts = table.classes().get(r);
            double[] p = counts.frequencies();
            double sum = 0.0;
            for (int u = 0; u < p.length; u++) {
                p[u] += alpha;
                sum += p[u];
            }
            if (!(sum > 0)) {
                throw new StatsException("class " + counts.classId() + " has no significant unit ("
                        + table.significance() + "), so its profile with alpha = " + alpha + " is 0/0; use alpha > 0");
            }
            for (int u = 0; u < p.length; u++) {
                p[u] /= sum;
            }
            rows[r] = p;
        }
        return new ClassProfiles(table.significance(), table.classIds(), alpha, rows);
    }

    /** The number of units per profile (0 when there are no profiles). */
    public int units() {
        return units(probabilities);
    }

    /** Whether no class has a profile. */
    public boolean isEmpty() {
        return classIds.length == 0;
    }

    /**
     * The profile of a class (a copy).
     *
     * @throws StatsException when the class has no profile
     */
    public double[] profile(int classId) {
        return probabilities[indexOf(classId)].clone();
    }

    int indexOf(int classId) {
        for (int r = 0; r < classIds.length; r++) {
            if (classIds[r] == classId) {
                return r;
            }
        }
        throw new StatsException("class " + classId + " has no profile (no samples); classes with profiles: "
                + Arrays.toString(classIds));
    }

    double[] row(int index) {
        return probabilities[index];
    }

    @Override
    public int[] classIds() {
        return classIds.clone();
    }

    @Override
    public double[][] probabilities() {
        return deepCopy(probabilities);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof ClassProfiles p
                && quantity.equals(p.quantity)
                && Arrays.equals(classIds, p.classIds)
                && Double.compare(alpha, p.alpha) == 0
                && Arrays.deepEquals(probabilities, p.probabilities);
    }

    @Override
    public int hashCode() {
        return Objects.hash(quantity, Arrays.hashCode(classIds), alpha, Arrays.deepHashCode(probabilities));
    }

    @Override
    public String toString() {
        return "ClassProfiles[" + quantity + ", classes=" + Arrays.toString(classIds) + ", alpha=" + alpha + ", units="
                + units() + "]";
    }

    private static int units(double[][] rows) {
        return rows.length == 0 ? 0 : rows[0].length;
    }

    private static double[][] deepCopy(double[][] rows) {
        double[][] copy = new double[rows.length][];
        for (int r = 0; r < rows.length; r++) {
            copy[r] = rows[r].clone();
        }
        return copy;
    }
}
