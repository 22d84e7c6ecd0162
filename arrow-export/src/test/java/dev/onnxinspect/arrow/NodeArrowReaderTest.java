package dev.onnxinspect.arrow;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;
import org.apache.arrow.vector.types.pojo.Field;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * SPEC §12 says the files are readable by the JavaScript {@code apache-arrow} reader: this test writes every table
 * uncompressed, with LZ4_FRAME and with ZSTD, and has {@code src/test/js/check.mjs} read each one with apache-arrow
 * and compare row counts, column names, types, nullability, every value and the schema metadata with what Arrow
 * Java reads back (which the round-trip tests prove equal to the values written).
 *
 * <p>Skipped only when {@code node} is not installed. When node is there but the npm packages are not, it fails
 * and says to run {@code scripts/install-test-tools.sh}.
 */
class NodeArrowReaderTest {
    private static final Path JS_DIR = Path.of("src", "test", "js");
    private static final Map<String, String> JS_TYPES =
            Map.of("dict", "Dictionary<Int32, Utf8>", "int32", "Int32", "int64", "Int64", "float64", "Float64");

    @TempDir
    Path dir;

    private BufferAllocator allocator;

    @BeforeEach
    void open() {
        allocator = new RootAllocator();
    }

    @AfterEach
    void close() {
        allocator.close();
    }

    @Test
    void apacheArrowForJavaScriptReadsEveryTableAndCodec() throws IOException, InterruptedException {
        Path node = findOnPath("node");
        assumeTrue(node != null, "node is not installed: the JavaScript reader check needs Node.js");
        if (!Files.isDirectory(JS_DIR.resolve("node_modules").resolve("apache-arrow"))) {
            fail("the npm packages of " + JS_DIR.toAbsolutePath() + " are not installed: run"
                    + " scripts/install-test-tools.sh from the repository root");
        }
        List<Path> files = new ArrayList<>();
        for (Compression compression : Compression.values()) {
            ArrowWriteOptions options = ArrowWriteOptions.builder()
                    .batchRows(2)
                    .compression(compression)
                    .build();
            files.addAll(
                    SampleTables.writeAll(dir, "-" + compression.name().toLowerCase(Locale.ROOT), options, allocator));
        }
        Path expectations = dir.resolve("expectations.json");
        Files.writeString(expectations, expectationsJson(files), StandardCharsets.UTF_8);

        Process process = new ProcessBuilder(
                        node.toString(),
                        "check.mjs",
                        expectations.toAbsolutePath().toString())
                .directory(JS_DIR.toFile())
                .redirectErrorStream(true)
                .start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(process.waitFor(60, TimeUnit.SECONDS)).as("node finished").isTrue();
        assertThat(process.exitValue()).as(output).isZero();
        // 11 tables x 3 codecs.
        assertThat(output).contains("apache-arrow check: 33 files read and matched");
    }

    /** What Arrow Java reads back from each file, in the JSON check.mjs expects. */
    private String expectationsJson(List<Path> files) throws IOException {
        StringBuilder json = new StringBuilder("{\"files\": [\n");
        for (int f = 0; f < files.size(); f++) {
            ArrowTables.Table table = ArrowTables.read(files.get(f), allocator);
            json.append(f == 0 ? "" : ",\n")
                    .append("{\"file\": ")
                    .append(Json.string(files.get(f).getFileName().toString()))
                    .append(", \"path\": ")
                    .append(Json.string(files.get(f).toAbsolutePath().toString()))
                    .append(", \"rows\": ")
                    .append(table.rows().size())
                    .append(", \"columns\": [");
            List<Field> fields = table.schema().getFields();
            List<String> described = TestTables.describe(fields);
            for (int c = 0; c < fields.size(); c++) {
                String type = described
                        .get(c)
                        .substring(fields.get(c).getName().length() + 1)
                        .replace("?", "");
                json.append(c == 0 ? "" : ", ")
                        .append("{\"name\": ")
                        .append(Json.string(fields.get(c).getName()))
                        .append(", \"type\": ")
                        .append(Json.string(JS_TYPES.get(type)))
                        .append(", \"nullable\": ")
                        .append(fields.get(c).isNullable())
                        .append(", \"values\": [");
                List<Object> values = table.column(fields.get(c).getName());
                for (int r = 0; r < values.size(); r++) {
                    json.append(r == 0 ? "" : ", ").append(jsonValue(values.get(r)));
                }
                json.append("]}");
            }
            json.append("], \"metadata\": ")
                    .append(Json.stringMap(table.metadata(), ""))
                    .append('}');
        }
        return json.append("\n]}\n").toString();
    }

    private static String jsonValue(Object value) {
        if (value == null) {
            return "null";
        }
        if (value instanceof String s) {
            return Json.string(s);
        }
        if (value instanceof Long l) {
            return Json.string(Long.toString(l));
        }
        if (value instanceof Double d && d.isInfinite()) {
            return Json.string(d > 0 ? "Infinity" : "-Infinity");
        }
        return value.toString();
    }

    private static Path findOnPath(String program) {
        String path = System.getenv("PATH");
        if (path == null) {
            return null;
        }
        for (String entry : path.split(File.pathSeparator)) {
            Path candidate = Path.of(entry, program);
            if (Files.isExecutable(candidate)) {
                return candidate;
            }
        }
        return null;
    }
}
