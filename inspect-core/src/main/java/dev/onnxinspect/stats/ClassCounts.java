package dev.onnxinspect.stats;

/**
 * One class's row of a frequency table (SPEC §2, §3): for each unit, in how many of the class's samples it was
 * significant. Holds integers, so that every derived number is exact or rounded once.
 *
 * @param classId   the class id
 * @param classSize N_c, the number of (valid) samples of the class, at least 1 (a class without samples has no row)
 * @param counts    per unit, the number of those samples in which it was significant (each in [0, N_c]); copied
 */
public record ClassCounts(int classId, int classSize, int[] counts) {
    public ClassCounts {
        if (classSize <= 0) {
            throw new StatsException("class " + classId + ": a row needs at least one sample, got N_c = " + classSize
                    + " (a class without samples has no row)");
        }
        counts = counts.clone();
        for (int u = 0; u < counts.length; u++) {
            if (counts[u] < 0 || counts[u] > classSize) {
                throw new StatsException("class " + classId + ": count " + counts[u] + " of unit " + u
                        + " is outside [0, N_c = " + classSize + "]");
            }
        }
    }

    /** The number of units. */
    public int units() {
        return counts.length;
    }

    /** The count of unit u. */
    public int count(int u) {
        return counts[u];
    }

    @Override
    public int[] counts() {
        return counts.clone();
    }

    /** F[c, u] = count / N_c (SPEC §2): one float64 division of two integers. */
    public double frequency(int u) {
        return counts[u] / (double) classSize;
    }

    /** F[c, u] for every unit. */
    public double[] frequencies() {
        double[] f = new double[counts.length];
        for (int u = 0; u < f.length; u++) {
            f[u] = counts[u] / (double) classSize;
        }
        return f;
    }

    /**
     * The frequency histogram (SPEC §2): element b is the number of units whose frequency lies in bin b of B
     * equal bins over [0, 1], with {@code b = min(floor(count * B / N_c), B - 1)} in integer arithmetic (so
     * 58/200 with B = 100 is bin 29, and frequency 1 falls in the last bin).
     */
    public int[] histogram(int bins) {
        if (bins <= 0) {
            throw new StatsException("a histogram needs at least 1 bin, got " + bins);
        }
        int[] h = new int[bins];
        for (int count : counts) {
            h[bin(count, classSize, bins)]++;
        }
        return h;
    }

    /** The bin of a frequency count / N_c among B bins: {@code min(floor(count * B / N_c), B - 1)}, exact. */
    public static int bin(int count, int classSize, int bins) {
        return (int) Math.min((long) count * bins / classSize, bins - 1);
    }

    /** The sum of the counts: the number of (sample, unit) pairs that were significant. */
    public long significantTotal() {
        long total = 0;
        for (int count : counts) {
            total += count;
        }
        return total;
    }

    /**
     * The active fraction (SPEC §2): the mean over the class's samples of the fraction of significant units,
     * computed exactly as {@code sum of counts / (N_c * units)} with one rounding. 0 for a layer of no units.
     */
    public double activeFraction() {
        if (counts.length == 0) {
            return 0.0;
        }
        return significantTotal() / ((double) classSize * counts.length);
    }
}
