package dev.onnxinspect.spark;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.onnxinspect.OnnxInspectException;
import dev.onnxinspect.audit.Audit;
import dev.onnxinspect.audit.AuditResult;
import dev.onnxinspect.data.FashionMnist;
import dev.onnxinspect.data.InMemoryDataset;
import dev.onnxinspect.report.CdpBrowser;
import dev.onnxinspect.report.MiniJson;
import dev.onnxinspect.report.ReportAssembler;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The HTML report of a Spark run (local[2], 400 Fashion-MNIST images) against the report {@code onnx-inspect audit}
 * writes for the same data, layers and options on one machine: every section but the run parameters (the confusion
 * matrix and the accuracy included) equal byte for byte, the run parameters equal but for the Spark run's own entries
 * and the audit's detector entries; the page opens offline in headless Chromium;
 * a bad report path is refused before the Spark job in one line.
 */
class SparkReportTest {
    private static final int SAMPLES = 400;
    private static final List<String> LAYERS = List.of("fc1", "h");
    private static final Pattern SECTION = Pattern.compile("<section id=\"([a-z-]+)\">(.*?)</section>", Pattern.DOTALL);
    private static final Pattern PARAMETER_ROW =
            Pattern.compile("<tr><th scope=\"row\">([^<]*)</th><td class=\"name\">([^<]*)</td></tr>");

    @TempDir
    static Path dir;

    private static Path model;
    private static Path parquet;
    private static Path singleReport;
    private static Path sparkReport;
    private static SparkInspectionResult result;
    private static AuditResult audit;

    @BeforeAll
    static void writeBothReports() throws IOException {
        model = TestData.mlp(dir.resolve("mlp.onnx"));
        InMemoryDataset fashion = TestData.fashion(SAMPLES);
        // the single-machine audit of the same data without fit set or OOD sets, and its report as `audit` writes it
        audit = Audit.builder(model).id(fashion).layers(LAYERS).batchSize(64).run();
        singleReport = ReportAssembler.write(audit, FashionMnist.CLASS_NAMES, null, dir.resolve("single.html"));
        SparkSession spark = Sessions.local("local[2]");
        try {
            result = SparkInspection.builder(
                            model,
                            RowInputs.builder().input("pixels").labels("label").build())
                    .name("fashion")
                    .layers(LAYERS)
                    .batchSize(64)
                    .build()
                    .run(TestData.rows(spark, fashion).repartition(3));
            sparkReport = SparkInspection.writeReport(result, FashionMnist.CLASS_NAMES, dir.resolve("spark.html"));
            // both pages left for a look: target/spark-report.html and target/single-machine-report.html
            Files.copy(sparkReport, Path.of("target", "spark-report.html"), StandardCopyOption.REPLACE_EXISTING);
            Files.copy(
                    singleReport, Path.of("target", "single-machine-report.html"), StandardCopyOption.REPLACE_EXISTING);
            parquet = dir.resolve("fashion.parquet");
            TestData.rows(spark, fashion, 2).write().parquet(parquet.toString());
        } finally {
            spark.stop();
        }
    }

    /**
     * Every section byte for byte but the run parameters, which differ exactly where the runs differ (listed below);
     * every other parameter row is equal. The confusion matrix (from the partitions' (label, prediction) counts) is
     * the audit's, which counts the per-sample predictions it keeps.
     */
    @Test
    void everySectionButTheRunParametersEqualsTheSingleMachineReport() throws IOException {
        Map<String, String> single = sections(Files.readString(singleReport));
        Map<String, String> spark = sections(Files.readString(sparkReport));
        assertThat(spark.keySet()).containsExactlyElementsOf(single.keySet());
        List<String> differ = single.keySet().stream()
                .filter(id -> !spark.get(id).equals(single.get(id)))
                .toList();
        assertThat(differ).containsExactly("parameters");
        assertThat(single.get("confusion")).contains("Most often taken for").doesNotContain("class=\"empty\"");
        // not a comparison of empty pages: the statistics' sections hold charts of both layers and all 10 classes
        for (String id : List.of("layers", "histograms", "frequencies", "kl", "layer-summary", "interactions")) {
            assertThat(single.get(id)).as("section %s", id).doesNotContain("class=\"empty\"");
        }
        assertThat(single.get("histograms")).contains("fc1", "Ankle boot");

        Map<String, String> singleRows = rows(single.get("parameters"));
        Map<String, String> sparkRows = rows(spark.get("parameters"));
        assertThat(sparkRows).containsEntry("model", "mlp.onnx").containsEntry("inspected layers", "fc1, h");
        // the Spark run's own parameters
        assertThat(sparkRows).containsKey("spark.partitions");
        assertThat(difference(sparkRows, singleRows)).allMatch(name -> name.startsWith("spark."));
        // what only the audit records: its detectors' feature layer and dense head, and the patterns' memory
        // estimate (the Spark run applies the same memory rule but does not count its datasets first, so it plans
        // the patterns of a pass of unknown size: on every layer)
        assertThat(difference(singleRows, sparkRows))
                .containsExactlyInAnyOrder("feature_layer", "dense_head", "memory_estimate.patterns");
        assertThat(singleRows).containsEntry("penultimate features", "h");
        assertThat(sparkRows).containsEntry("penultimate features", "none");
        // the audit's accuracy: its correct predictions over the 400 labelled samples, derived here from its
        // per-sample predictions; the Spark run counted them in its partitions
        int[] predicted = audit.id().scores().predicted();
        int[] labels = audit.id().scores().labels();
        long correct = IntStream.range(0, SAMPLES)
                .filter(i -> predicted[i] == labels[i])
                .count();
        String row = String.format(Locale.ROOT, "id, 400 samples, classes from label, accuracy %.4f", correct / 400.0);
        assertThat(singleRows).containsEntry("dataset fashion", row);
        assertThat(sparkRows)
                .containsEntry("dataset fashion", row)
                .containsEntry("id_accuracy", Double.toString(correct / 400.0));
        long[][] counts = new long[10][10];
        for (int i = 0; i < SAMPLES; i++) {
            counts[labels[i]][predicted[i]]++;
        }
        assertThat(result.dataset().confusionMatrix(10).orElseThrow().counts()).isDeepEqualTo(counts);
        for (String name : singleRows.keySet()) {
            if (sparkRows.containsKey(name) && !name.equals("penultimate features")) {
                assertThat(sparkRows.get(name)).as("parameter %s", name).isEqualTo(singleRows.get(name));
            }
        }
    }

    @Test
    void theReportOpensOfflineInChromiumWithEveryChartDrawn() throws Exception {
        try (CdpBrowser browser = CdpBrowser.launch(Duration.ofSeconds(60))) {
            browser.open(sparkReport.toUri(), 1200, 900);
            @SuppressWarnings("unchecked")
            Map<String, Object> page = (Map<String, Object>) MiniJson.parse((String) browser.evaluate("""
                    JSON.stringify({
                      charts: document.querySelectorAll('[data-chart]').length,
                      drawn: Array.from(document.querySelectorAll('[data-chart]')).filter(e => {
                        const b = e.getBoundingClientRect();
                        return b.width > 100 && b.height > 50
                            && e.querySelectorAll('rect, polyline, circle, path, image').length > 0;
                      }).length
                    })"""));
            assertThat(browser.consoleErrors()).isEmpty();
            assertThat(browser.requestedUrls())
                    .allSatisfy(url -> assertThat(url).matches("^(file|data):.*"));
            assertThat((Double) page.get("charts")).isGreaterThan(10);
            assertThat(page.get("drawn")).isEqualTo(page.get("charts"));
        }
    }

    @Test
    void submitWritesTheSameReportWithItsTables() throws IOException {
        Sessions.local("local[2]"); // found by the entry point's getOrCreate, which stops it
        Path out = dir.resolve("submit");
        Path report = dir.resolve("submit.html");
        Result result = submit(
                "--model", model.toString(),
                "--data", parquet.toString(),
                "--input", "pixels",
                "--labels", "label",
                "--layers", String.join(",", LAYERS),
                "--batch-size", "16",
                "--name", "fashion",
                "--class-names", String.join(",", FashionMnist.CLASS_NAMES),
                "--out", out.toString(),
                "--report", report.toString());
        assertThat(result.status).as(result.err).isZero();
        assertThat(result.out).contains("report");
        Map<String, String> submitted = sections(Files.readString(report));
        Map<String, String> library = sections(Files.readString(sparkReport));
        assertThat(submitted.keySet()).containsExactlyElementsOf(library.keySet());
        for (String id : library.keySet()) {
            if (!id.equals("parameters")) {
                assertThat(submitted.get(id)).as("section %s", id).isEqualTo(library.get(id));
            }
        }
        assertThat(out.resolve("manifest.json")).exists();
    }

    @Test
    void aReportPathThatCannotBeWrittenIsRefusedBeforeTheJobInOneLine() throws IOException {
        Path missing = dir.resolve("no-such-dir").resolve("report.html");
        Sessions.local("local[1]");
        Path out = dir.resolve("refused");
        Result result = submit(
                "--model", model.toString(),
                "--data", parquet.toString(),
                "--input", "pixels",
                "--out", out.toString(),
                "--report", missing.toString());
        assertThat(result.status).isEqualTo(4);
        assertThat(result.err.strip())
                .isEqualTo("error: cannot write the report " + missing + ": the directory " + missing.getParent()
                        + " does not exist; create it or give another --report FILE");
        assertThat(out).doesNotExist(); // refused before the job, not after it
        assertThat(missing.getParent()).doesNotExist();

        // a directory where the report would go: refused, and the directory is left as it was
        Path taken = Files.createDirectories(dir.resolve("taken.html"));
        Files.writeString(taken.resolve("keep.txt"), "keep");
        Sessions.local("local[1]");
        Result directory = submit(
                "--model", model.toString(),
                "--data", parquet.toString(),
                "--input", "pixels",
                "--out", out.toString(),
                "--report", taken.toString());
        assertThat(directory.status).isEqualTo(3);
        assertThat(directory.err.strip())
                .startsWith("error: cannot write " + taken + ": it is a directory")
                .doesNotContain("\n");
        try (Stream<Path> files = Files.list(taken)) {
            assertThat(files).containsExactly(taken.resolve("keep.txt"));
        }
    }

    @Test
    void theLibraryCallRefusesAMissingDirectoryNamingThePathAndLeavesTheOldReport() throws IOException {
        Path missing = dir.resolve("absent").resolve("r.html");
        assertThatThrownBy(() -> SparkInspection.writeReport(result, null, missing))
                .isInstanceOf(OnnxInspectException.class)
                .hasMessage("cannot write " + missing + ": no such file or directory")
                .hasFieldOrPropertyWithValue("kind", OnnxInspectException.Kind.IO);
        assertThat(missing.getParent()).doesNotExist();
        // an existing report is replaced whole (written to a temporary file, then renamed): never truncated
        Path again = dir.resolve("again.html");
        Files.writeString(again, "old");
        SparkInspection.writeReport(result, FashionMnist.CLASS_NAMES, again);
        assertThat(Files.readString(again)).isEqualTo(Files.readString(sparkReport));
        try (Stream<Path> files = Files.list(dir)) {
            assertThat(files.map(f -> f.getFileName().toString())).noneMatch(f -> f.contains(".tmp"));
        }
    }

    /** The sections of a report page by id, in page order. */
    private static Map<String, String> sections(String html) {
        Map<String, String> sections = new LinkedHashMap<>();
        Matcher m = SECTION.matcher(html);
        while (m.find()) {
            sections.put(m.group(1), m.group(2));
        }
        assertThat(sections).containsKeys("parameters", "layers", "histograms");
        return sections;
    }

    /** The names in {@code a} that {@code b} lacks. */
    private static List<String> difference(Map<String, String> a, Map<String, String> b) {
        return a.keySet().stream().filter(name -> !b.containsKey(name)).toList();
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

    private record Result(int status, String out, String err) {}

    private static Result submit(String... args) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int status = SparkInspectMain.run(
                args,
                new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));
        return new Result(status, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }
}
