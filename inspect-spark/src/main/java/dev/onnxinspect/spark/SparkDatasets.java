package dev.onnxinspect.spark;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/**
 * The Spark Datasets of one distributed inspection, as the single-machine audit names them: the ID evaluation set
 * (first), zero or more OOD sets, and an optional labelled fit set for the SPEC §8 node classifiers (and its own
 * statistics). Each set is read with the inspection's column mapping unless it is given its own (e.g. an unlabelled
 * OOD set). Immutable: {@link #withOod} and {@link #withFit} return a new value.
 *
 * <pre>{@code
 * SparkDatasets sets = SparkDatasets.of("fashion-test", test)
 *         .withOod("digits", digits)
 *         .withFit("fashion-train", train);
 * }</pre>
 *
 * @param id  the ID evaluation set
 * @param ood the OOD sets, in order
 * @param fit the fit set, or null
 */
public record SparkDatasets(Named id, List<Named> ood, Named fit) {
    public SparkDatasets {
        Objects.requireNonNull(id, "id");
        ood = List.copyOf(ood);
        Set<String> names = new LinkedHashSet<>();
        names.add(id.name());
        for (Named o : ood) {
            if (!names.add(o.name())) {
                throw new SparkInspectionException("two evaluated datasets are both named '" + o.name() + "'; every"
                        + " dataset of an inspection needs its own name");
            }
        }
    }

    /**
     * One Dataset with its name and, optionally, its own column mapping.
     *
     * @param name   the name in the results and tables
     * @param rows   the rows
     * @param inputs the column mapping of this set, or null for the inspection's
     */
    public record Named(String name, Dataset<Row> rows, RowInputs inputs) {
        public Named {
            if (name == null || name.isBlank() || rows == null) {
                throw new SparkInspectionException("a dataset of an inspection needs a name and its rows, got name '"
                        + name + "', rows " + (rows == null ? "null" : "given"));
            }
        }
    }

    /** The ID evaluation set alone. */
    public static SparkDatasets of(String name, Dataset<Row> rows) {
        return new SparkDatasets(new Named(name, rows, null), List.of(), null);
    }

    /** These sets and one more OOD set, read with the inspection's column mapping. */
    public SparkDatasets withOod(String name, Dataset<Row> rows) {
        return withOod(name, rows, null);
    }

    /** These sets and one more OOD set, read with its own column mapping (e.g. without labels). */
    public SparkDatasets withOod(String name, Dataset<Row> rows, RowInputs inputs) {
        List<Named> more = new ArrayList<>(ood);
        more.add(new Named(name, rows, inputs));
        return new SparkDatasets(id, more, fit);
    }

    /** These sets with the labelled fit set of the SPEC §8 node classifiers, read with the inspection's mapping. */
    public SparkDatasets withFit(String name, Dataset<Row> rows) {
        return new SparkDatasets(id, ood, new Named(name, rows, null));
    }

    /** The evaluated sets: the ID set, then the OOD sets. */
    public List<Named> evaluated() {
        List<Named> all = new ArrayList<>();
        all.add(id);
        all.addAll(ood);
        return all;
    }

    /**
     * The fit set's name in the results: its own, unless an evaluated set has the same one; then
     * {@code "<name> (fit)"}, as the single-machine audit names it. Null without a fit set.
     */
    public String fitName() {
        if (fit == null) {
            return null;
        }
        boolean taken = evaluated().stream().anyMatch(n -> n.name().equals(fit.name()));
        return taken ? fit.name() + " (fit)" : fit.name();
    }
}
