package dev.onnxinspect.stats;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * Class-wise significance frequencies of one layer under one significance definition (SPEC §2), or of one
 * dense layer's interactions (SPEC §3). Only classes with at least one sample have a row, in ascending class
 * id order (SPEC §2: a class with N_c = 0 yields no rows).
 *
 * @param significance what "significant" meant: {@code "S1"}, {@code "S2"}, {@code "interaction-absolute"} or
 *                     {@code "interaction-signed"}; see the enclosing result for the parameters
 * @param units        the number of units per row (neurons, or n_out * n_in interactions flattened row-major)
 * @param bins         B for {@link #histogram}
 * @param classes      the rows, ascending class id; copied
 */
public record FrequencyTable(String significance, int units, int bins, List<ClassCounts> classes) {
    public FrequencyTable {
        Objects.requireNonNull(significance, "significance");
        classes = List.copyOf(classes);
        int previous = Integer.MIN_VALUE;
        for (ClassCounts row : classes) {
            if (row.units() != units) {
                throw new StatsException(
                        "class " + row.classId() + " has " + row.units() + " units, expected " + units);
            }
            if (row.classId() <= previous) {
                throw new StatsException("class rows must be in strictly ascending class id order, got " + row.classId()
                        + " after " + previous);
            }
            previous = row.classId();
        }
        if (bins <= 0) {
            throw new StatsException("a histogram needs at least 1 bin, got " + bins);
        }
    }

    /** The ids of the classes that have rows, ascending. */
    public int[] classIds() {
        return classes.stream().mapToInt(ClassCounts::classId).toArray();
    }

    /** Whether the table has no rows (no samples at all). */
    public boolean isEmpty() {
        return classes.isEmpty();
    }

    /**
     * The row of a class.
     *
     * @throws StatsException when the class had no samples
     */
    public ClassCounts forClass(int classId) {
        for (ClassCounts row : classes) {
            if (row.classId() == classId) {
                return row;
            }
        }
        List<Integer> present = new ArrayList<>();
        classes.forEach(r -> present.add(r.classId()));
        throw new StatsException("class " + classId + " has no samples in this table (" + significance
                + "); classes present: " + present);
    }

    /** The frequency histogram of a class with this table's B (SPEC §2). */
    public int[] histogram(int classId) {
        return forClass(classId).histogram(bins);
    }
}
