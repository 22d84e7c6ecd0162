package dev.onnxinspect.spark;

import static org.assertj.core.api.Assertions.assertThat;

import dev.onnxinspect.audit.AuditResult;
import dev.onnxinspect.report.ReportAssembler;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The HTML report of {@code SparkAuditMain --report} (local[2], SubmitCheck's fit, ID and OOD Parquet files) against
 * the report of the single-machine audit of the same data ({@link SubmitCheck#referenceAudit}, written by the same
 * {@link ReportAssembler}): the detector sections and the confusion matrix equal byte for byte; the layer statistics'
 * sections are empty (they are the distributed inspection's); the model's layers and the flagged samples differ only
 * as asserted; the run parameters differ only in the entries listed.
 */
class SparkAuditReportTest {
    private static final Pattern SECTION = Pattern.compile("<section id=\"([a-z-]+)\">(.*?)</section>", Pattern.DOTALL);
    private static final Pattern PARAMETER_ROW =
            Pattern.compile("<tr><th scope=\"row\">([^<]*)</th><td class=\"name\">([^<]*)</td></tr>");
    private static final List<String> CLASS_NAMES = List.of("left", "middle", "right");
    /** The sections of the layer statistics (SPEC §1-4, §7-8): the distributed inspection's report has them. */
    private static final List<String> STATISTICS =
            List.of("histograms", "frequencies", "kl", "layer-summary", "interactions", "node-classifiers");

    private static final String EMPTY = "<p class=\"empty\">No data in this run.</p>";
    /** A flagged sample's number in its caption ("#77 · 426.684"). */
    private static final Pattern SAMPLE_NUMBER = Pattern.compile("#[0-9]+ \u00b7 ");

    @TempDir
    static Path dir;

    private static Map<String, String> single;
    private static Map<String, String> spark;
    private static String printed;

    @BeforeAll
    static void writeBothReports() throws IOException {
        SubmitCheck.prepare(dir);
        AuditResult reference = SubmitCheck.referenceAudit(dir.resolve("mlp.onnx"));
        Path singleReport = ReportAssembler.write(reference, CLASS_NAMES, null, dir.resolve("single.html"));
        Path sparkReport = dir.resolve("spark.html");
        Sessions.local("local[2]"); // the session the entry point finds; it stops it
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int status = SparkAuditMain.run(
                new String[] {
                    "--model", dir.resolve("mlp.onnx").toString(),
                    "--fit", dir.resolve("fit.parquet").toString(),
                    "--id", dir.resolve("id.parquet").toString(),
                    "--ood", "ood=" + dir.resolve("ood.parquet"),
                    "--input", "x",
                    "--labels", "label",
                    "--keep", "sample_id",
                    "--out", dir.resolve("audit").toString(),
                    "--report", sparkReport.toString(),
                    "--class-names", String.join(",", CLASS_NAMES)
                },
                new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));
        assertThat(status).as(err.toString(StandardCharsets.UTF_8)).isZero();
        printed = out.toString(StandardCharsets.UTF_8);
        // both pages left for a look
        Files.copy(sparkReport, Path.of("target", "spark-audit-report.html"), StandardCopyOption.REPLACE_EXISTING);
        Files.copy(
                singleReport,
                Path.of("target", "single-machine-audit-report.html"),
                StandardCopyOption.REPLACE_EXISTING);
        single = sections(Files.readString(singleReport));
        spark = sections(Files.readString(sparkReport));
    }

    @Test
    void theDetectorSectionsEqualTheSingleMachineReportAndTheStatisticsAreLeftEmpty() {
        assertThat(printed).contains("report");
        assertThat(spark.keySet()).containsExactlyElementsOf(single.keySet());
        List<String> differ = single.keySet().stream()
                .filter(id -> !spark.get(id).equals(single.get(id)))
                .toList();
        assertThat(differ)
                .containsExactly("parameters", "layers", "histograms", "frequencies", "kl", "layer-summary", "samples");
        // the detector sections and the confusion matrix: equal, and not empty
        for (String id : List.of("ood", "score-distributions", "confusion")) {
            assertThat(single.get(id)).as("section %s", id).doesNotContain(EMPTY);
            assertThat(spark.get(id)).as("section %s", id).isEqualTo(single.get(id));
        }
        assertThat(single.get("ood")).contains("AUROC", "energy");
        // the layer statistics are the distributed inspection's: empty here, drawn in the audit's report (the
        // reference audit computes no interactions and no node classifiers: both reports leave those two empty)
        for (String id : STATISTICS) {
            assertThat(spark.get(id)).as("section %s", id).contains(EMPTY);
            if (!id.equals("interactions") && !id.equals("node-classifiers")) {
                assertThat(single.get(id)).as("section %s", id).doesNotContain(EMPTY);
            }
        }
        // the model's layers: the same list, without the mark of a layer whose statistics were computed
        assertThat(single.get("layers")).contains("h (inspected)");
        assertThat(spark.get("layers")).isEqualTo(single.get("layers").replace(" (inspected)", ""));
        // the flagged samples: the same scores, labels and predictions in the same order; their numbers are positions
        // in the Dataset's row order, which Spark reads from the Parquet folder's files in an order of its own
        assertThat(SAMPLE_NUMBER.matcher(single.get("samples")).find()).isTrue();
        assertThat(SAMPLE_NUMBER.matcher(spark.get("samples")).replaceAll("#"))
                .isEqualTo(SAMPLE_NUMBER.matcher(single.get("samples")).replaceAll("#"));
    }

    /**
     * The run parameters: the Spark run's own entries, and the audit's memory plan, tuning and bank entries that the
     * distributed audit does not make (no memory rule for the banks, no SPEC §6b tuning); the batch size is the one
     * asked for (0: chosen per task); every other entry, the ID set's accuracy included, is equal.
     */
    @Test
    void theRunParametersDifferOnlyWhereTheRunsDiffer() {
        Map<String, String> singleRows = rows(single.get("parameters"));
        Map<String, String> sparkRows = rows(spark.get("parameters"));
        assertThat(difference(sparkRows, singleRows))
                .containsExactlyInAnyOrder("skipped_detectors", "spark.fit_partitions", "spark.tree_depth");
        assertThat(difference(singleRows, sparkRows))
                .containsExactlyInAnyOrder(
                        "dense_head",
                        "interaction_share",
                        "memory_budget_bytes",
                        "memory_estimate.kl",
                        "memory_estimate.layer_statistics",
                        "memory_estimate.nnguide_bank",
                        "memory_estimate.pattern_detectors",
                        "memory_estimate.patterns",
                        "memory_estimate.relation_bank",
                        "nac_ue",
                        "nnguide.bank_size",
                        "relation.bank_size",
                        "temperature.entropy_temperature",
                        "temperature.msp_temperature");
        assertThat(sparkRows).containsEntry("batch_size", "0").containsKey("id_accuracy");
        assertThat(singleRows.get("batch_size")).isNotEqualTo("0");
        for (String name : singleRows.keySet()) {
            if (sparkRows.containsKey(name) && !name.equals("batch_size")) {
                assertThat(sparkRows.get(name)).as("parameter %s", name).isEqualTo(singleRows.get(name));
            }
        }
    }

    /** The names in {@code a} that {@code b} lacks. */
    private static List<String> difference(Map<String, String> a, Map<String, String> b) {
        return a.keySet().stream().filter(name -> !b.containsKey(name)).toList();
    }

    /** The sections of a report page by id, in page order. */
    private static Map<String, String> sections(String html) {
        Map<String, String> sections = new LinkedHashMap<>();
        Matcher m = SECTION.matcher(html);
        while (m.find()) {
            sections.put(m.group(1), m.group(2));
        }
        assertThat(sections).containsKeys("parameters", "ood", "score-distributions");
        return sections;
    }

    /** The run parameters' rows, name to value. */
    private static Map<String, String> rows(String parameters) {
        Map<String, String> rows = new TreeMap<>();
        Matcher m = PARAMETER_ROW.matcher(parameters);
        while (m.find()) {
            rows.put(m.group(1), m.group(2));
        }
        return rows;
    }
}
