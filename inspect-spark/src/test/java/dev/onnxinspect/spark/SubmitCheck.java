package dev.onnxinspect.spark;

import dev.onnxinspect.arrow.AuditTables;
import dev.onnxinspect.audit.Audit;
import dev.onnxinspect.audit.AuditResult;
import dev.onnxinspect.audit.DatasetScores;
import dev.onnxinspect.audit.ScoreColumn;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.stream.Stream;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;
import org.apache.arrow.vector.FieldVector;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.ipc.ArrowFileReader;
import org.apache.arrow.vector.ipc.message.ArrowBlock;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

/**
 * The data, the single-machine references and the comparisons of the spark-submit checks: {@code
 * scripts/spark-cluster-check.sh} runs it with {@code java} around its {@code spark-submit}s (local mode and a
 * standalone cluster), {@link SparkAuditMainTest} calls it in-process.
 *
 * <ul>
 *   <li>{@code prepare DIR}: {@link AuditFixtures}' model ({@code DIR/mlp.onnx}) and its fit, ID and OOD sets as
 *       Parquet ({@code DIR/fit.parquet} ..., three files each, columns sample_id, x, label); the single-machine
 *       library's tables of the same work: {@code DIR/reference-audit} ({@link Audit} with fit, ID and OOD set) and
 *       {@code DIR/reference-inspect} ({@link Audit} of the ID set alone: the {@code inspect} command's
 *       statistics);</li>
 *   <li>{@code compare REFERENCE RESULT [TABLE,...]}: every {@code .arrow} table of RESULT (or those named) equals
 *       the table of the same name in REFERENCE: the same columns and rows, integers and strings equal, floating values within 1e-8 (relative, at
 *       least absolute); the rows of {@code scores} compared as sorted lists without the sample index (Spark reads
 *       a Parquet folder's files in an order of its own);</li>
 *   <li>{@code scored DIR SCORED}: the Parquet folders SCORED/id and SCORED/ood (sample_id, predicted and the score
 *       columns) equal the single-machine audit's per-sample predictions and scores by sample_id (1e-8).</li>
 * </ul>
 * Exit status 0 when equal, 1 with one line per difference (at most 20) on stderr.
 */
public final class SubmitCheck {
    static final int FIT = 240;
    static final int ID = 150;
    static final int OOD = 120;
    private static final double TOLERANCE = 1e-8;

    private SubmitCheck() {}

    public static void main(String[] args) throws Exception {
        List<String> differences;
        switch (args.length > 0 ? args[0] : "") {
            case "prepare" -> {
                prepare(Path.of(args[1]));
                differences = List.of();
            }
            case "compare" ->
                differences = compareTables(
                        Path.of(args[1]), Path.of(args[2]), args.length > 3 ? List.of(args[3].split(",")) : List.of());
            case "scored" -> differences = compareScored(Path.of(args[1]), Path.of(args[2]));
            default -> {
                System.err.println("usage: SubmitCheck prepare DIR | compare REFERENCE RESULT | scored DIR SCORED");
                System.exit(2);
                return;
            }
        }
        if (!differences.isEmpty()) {
            differences.stream().limit(20).forEach(System.err::println);
            System.err.println(differences.size() + " differences");
            System.exit(1);
        }
        System.out.println(args[0] + " " + String.join(" ", List.of(args).subList(1, args.length)) + ": ok");
    }

    static AuditFixtures.Data fit() {
        return AuditFixtures.data("fit", FIT, 1, 1, 0, 0);
    }

    static AuditFixtures.Data id() {
        return AuditFixtures.data("id", ID, 2, 1, 0, 10_000);
    }

    static AuditFixtures.Data ood() {
        return AuditFixtures.data("ood", OOD, 3, -1.5f, 0.5f, 20_000);
    }

    /** The single-machine audit of the check (as {@link SparkAuditTest}'s reference). */
    static AuditResult referenceAudit(Path model) throws IOException {
        return Audit.builder(model)
                .fit(fit().dataset())
                .id(id().dataset())
                .ood(ood().dataset())
                .interactions(false)
                .fitStatistics(false)
                .nodeClassifiers(0, 0)
                .run();
    }

    static void prepare(Path dir) throws IOException {
        Files.createDirectories(dir);
        Path model = AuditFixtures.model(dir.resolve("mlp.onnx"));
        SparkSession spark = Sessions.local("local[1]");
        try {
            for (AuditFixtures.Data d : List.of(fit(), id(), ood())) {
                spark.createDataFrame(d.rows(), AuditFixtures.SCHEMA)
                        .repartition(3)
                        .write()
                        .parquet(dir.resolve(d.dataset().name() + ".parquet").toString());
            }
        } finally {
            spark.stop();
        }
        AuditTables.write(referenceAudit(model), dir.resolve("reference-audit"));
        AuditTables.write(
                Audit.builder(model).id(id().dataset()).layers(List.of("h")).run(), dir.resolve("reference-inspect"));
    }

    /**
     * The differences between every table of {@code actual} (or those named in {@code only}, e.g. {@code scores}) and
     * the same table of {@code expected}.
     */
    static List<String> compareTables(Path expected, Path actual, List<String> only) throws IOException {
        List<String> out = new ArrayList<>();
        List<Path> tables;
        try (Stream<Path> files = Files.list(actual)) {
            tables = files.filter(f -> f.toString().endsWith(".arrow"))
                    .filter(f -> only.isEmpty()
                            || only.contains(f.getFileName().toString().replace(".arrow", "")))
                    .sorted()
                    .toList();
        }
        if (!only.isEmpty() && tables.size() != only.size()) {
            out.add(actual + " holds " + tables + ", expected the tables " + only);
        }
        if (tables.isEmpty()) {
            out.add(actual + " holds no .arrow table");
        }
        try (BufferAllocator allocator = new RootAllocator()) {
            for (Path table : tables) {
                String name = table.getFileName().toString();
                Path reference = expected.resolve(name);
                if (!Files.exists(reference)) {
                    out.add(name + ": not in the reference " + expected);
                    continue;
                }
                List<String> header = new ArrayList<>();
                List<List<Object>> want = read(reference, allocator, header);
                List<String> actualHeader = new ArrayList<>();
                List<List<Object>> got = read(table, allocator, actualHeader);
                if (!header.equals(actualHeader)) {
                    out.add(name + ": columns " + actualHeader + ", expected " + header);
                    continue;
                }
                if (name.equals("scores.arrow")) { // rows as multisets: drop the sample index, sort
                    int sample = header.indexOf("sample_index");
                    if (sample < 0) {
                        out.add(name + ": no column sample_index in " + header);
                        continue;
                    }
                    want = sortedWithout(want, sample);
                    got = sortedWithout(got, sample);
                }
                if (want.size() != got.size()) {
                    out.add(name + ": " + got.size() + " rows, expected " + want.size());
                    continue;
                }
                for (int r = 0; r < want.size(); r++) {
                    for (int c = 0; c < want.get(r).size(); c++) {
                        if (!close(want.get(r).get(c), got.get(r).get(c))) {
                            out.add(name + " row " + r + " column " + header.get(c) + ": "
                                    + got.get(r).get(c) + ", expected "
                                    + want.get(r).get(c));
                        }
                    }
                }
            }
        }
        return out;
    }

    /** The scored Parquet folders of the ID and OOD sets against the single-machine audit, by sample_id. */
    static List<String> compareScored(Path dir, Path scored) throws IOException {
        AuditResult reference = referenceAudit(dir.resolve("mlp.onnx"));
        List<String> out = new ArrayList<>();
        SparkSession spark = Sessions.local("local[1]");
        try {
            compareScored(spark, scored.resolve("id"), reference.id().scores(), 10_000, reference, out);
            compareScored(spark, scored.resolve("ood"), reference.ood().get(0).scores(), 20_000, reference, out);
        } finally {
            spark.stop();
        }
        return out;
    }

    private static void compareScored(
            SparkSession spark,
            Path folder,
            DatasetScores expected,
            long firstId,
            AuditResult reference,
            List<String> out) {
        List<Row> rows = new ArrayList<>(spark.read().parquet(folder.toString()).collectAsList());
        rows.sort(Comparator.comparingLong(r -> r.getLong(r.fieldIndex("sample_id"))));
        if (rows.size() != expected.size()) {
            out.add(folder + ": " + rows.size() + " rows, expected " + expected.size());
            return;
        }
        for (int i = 0; i < rows.size(); i++) {
            Row row = rows.get(i);
            long sampleId = row.getLong(row.fieldIndex("sample_id"));
            if (sampleId != firstId + i) {
                out.add(folder + ": row " + i + " has sample_id " + sampleId + ", expected " + (firstId + i));
                return;
            }
            if (row.getInt(row.fieldIndex(SparkAudit.PREDICTED)) != expected.prediction(i)) {
                out.add(folder + " sample " + sampleId + ": predicted " + row.getInt(row.fieldIndex("predicted"))
                        + ", expected " + expected.prediction(i));
            }
            for (ScoreColumn c : reference.scoreColumns()) {
                double want = expected.score(c.name(), i);
                double got = row.getDouble(row.fieldIndex(c.tableColumn()));
                if (!close(want, got)) {
                    out.add(folder + " sample " + sampleId + " " + c.tableColumn() + ": " + got + ", expected " + want);
                }
            }
        }
    }

    private static List<List<Object>> sortedWithout(List<List<Object>> rows, int column) {
        List<List<Object>> out = new ArrayList<>();
        for (List<Object> row : rows) {
            List<Object> copy = new ArrayList<>(row);
            copy.remove(column);
            out.add(copy);
        }
        out.sort(SubmitCheck::compareRows);
        return out;
    }

    private static int compareRows(List<Object> a, List<Object> b) {
        for (int c = 0; c < a.size(); c++) {
            int order = compareValues(a.get(c), b.get(c));
            if (order != 0) {
                return order;
            }
        }
        return 0;
    }

    private static int compareValues(Object a, Object b) {
        if (a == null || b == null) {
            return a == null ? (b == null ? 0 : -1) : 1;
        }
        if (a instanceof Number x && b instanceof Number y) {
            return Double.compare(x.doubleValue(), y.doubleValue());
        }
        return a.toString().compareTo(b.toString());
    }

    private static boolean close(Object want, Object got) {
        if (want instanceof Double || want instanceof Float) {
            return got instanceof Number g && close(((Number) want).doubleValue(), g.doubleValue());
        }
        return Objects.equals(String.valueOf(want), String.valueOf(got));
    }

    private static boolean close(double want, double got) {
        if (Double.isNaN(want) || Double.isInfinite(want)) {
            return Double.compare(want, got) == 0;
        }
        return Math.abs(want - got) <= TOLERANCE * Math.max(1, Math.abs(want));
    }

    /** A whole Arrow file's rows (dictionary columns as their indices' values, read as Arrow Java gives them). */
    private static List<List<Object>> read(Path file, BufferAllocator allocator, List<String> header)
            throws IOException {
        List<List<Object>> rows = new ArrayList<>();
        try (FileChannel channel = FileChannel.open(file);
                ArrowFileReader reader = new ArrowFileReader(channel, allocator)) {
            VectorSchemaRoot root = reader.getVectorSchemaRoot();
            root.getSchema().getFields().forEach(f -> header.add(f.getName()));
            for (ArrowBlock block : reader.getRecordBlocks()) {
                reader.loadRecordBatch(block);
                Map<Long, org.apache.arrow.vector.dictionary.Dictionary> dictionaries = reader.getDictionaryVectors();
                for (int i = 0; i < root.getRowCount(); i++) {
                    List<Object> row = new ArrayList<>();
                    for (FieldVector vector : root.getFieldVectors()) {
                        var encoding = vector.getField().getDictionary();
                        if (encoding == null || vector.isNull(i)) {
                            row.add(vector.getObject(i));
                        } else {
                            int index = ((Number) vector.getObject(i)).intValue();
                            row.add(dictionaries
                                    .get(encoding.getId())
                                    .getVector()
                                    .getObject(index)
                                    .toString());
                        }
                    }
                    rows.add(row);
                }
            }
        }
        return rows;
    }
}
