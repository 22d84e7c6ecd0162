package dev.onnxinspect.samples.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import java.util.zip.ZipFile;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The demo's console as a user sees it, captured from a separate JVM started like {@code ./onnx-inspect} starts it
 * (the script's environment variables, slf4j-simple's configuration as packaged): a small variant of
 * {@code ./onnx-inspect demo} (1 epoch on 1,000 training images, 300 fit, 300 test and 300 digits; the full demo takes
 * minutes). At the default level every log line must come from a logger of this library (no DJL, Arrow, ONNX
 * Runtime or other third-party line), no line may repeat, and each pass has one progress display whose lines (stderr
 * is a file here, not a terminal) come at most every few seconds, with no log line repeating the progress.
 */
class DemoConsoleTest {
    private static final Pattern LOG_LINE =
            Pattern.compile("^\\d\\d:\\d\\d:\\d\\d (TRACE|DEBUG|INFO|WARN|ERROR) (\\S+) - (.*)$");
    private static final Pattern PROGRESS_LINE =
            Pattern.compile("^(.+?) +\\[[# ]{30}\\] +\\d+% [\\d,]+/[\\d,]+ +([\\d.]+)s$");
    /** The one native line PyTorch prints (not a logger; explained by the library's line before it). */
    private static final String TORCH_WARNING = "AutoNonVariableTypeMode is deprecated";

    @Test
    void theDemoPrintsOnlyTheLibrarysOwnLinesAndOneProgressDisplayPerPass(@TempDir Path dir) throws Exception {
        Path stdout = dir.resolve("stdout.txt");
        Path stderr = dir.resolve("stderr.txt");
        List<String> command = new ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "--add-opens=java.base/java.nio=ALL-UNNAMED",
                "-Xmx1g",
                "-cp",
                System.getProperty("java.class.path"),
                Main.class.getName(),
                "demo",
                "--epochs",
                "1",
                "--train-samples",
                "1000",
                "--fit-samples",
                "300",
                "--test-samples",
                "300",
                "--ood-samples",
                "300",
                "--out",
                dir.resolve("out").toString()));
        ProcessBuilder builder =
                new ProcessBuilder(command).redirectOutput(stdout.toFile()).redirectError(stderr.toFile());
        builder.environment().putAll(scriptEnvironment());
        Process process = builder.start();
        if (!process.waitFor(240, TimeUnit.SECONDS)) {
            process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            throw new AssertionError(
                    "the small demo did not end within 240 s; its stderr: " + Files.readString(stderr));
        }
        List<String> err = Files.readAllLines(stderr, StandardCharsets.UTF_8);
        String errText = String.join("\n", err);
        assertThat(process.exitValue()).as(errText).isZero();
        assertThat(Files.readString(stdout)).contains("test accuracy", "OOD detection", "report");

        Set<String> own = ownClassNames();
        Map<String, List<Double>> progress = new LinkedHashMap<>();
        boolean torchExplained = false;
        int torchWarnings = 0;
        for (String line : err) {
            Matcher log = LOG_LINE.matcher(line);
            Matcher bar = PROGRESS_LINE.matcher(line);
            if (log.matches()) {
                assertThat(own).as("logger of: %s", line).contains(log.group(2));
                assertThat(log.group(1)).as("level of: %s", line).isIn("INFO", "WARN", "ERROR");
                assertThat(log.group(3))
                        .as("a log line that repeats the progress display")
                        .doesNotStartWith("inspecting ");
                torchExplained |= log.group(3).contains(TORCH_WARNING);
            } else if (bar.matches()) {
                progress.computeIfAbsent(bar.group(1).trim(), k -> new ArrayList<>())
                        .add(Double.parseDouble(bar.group(2)));
            } else if (line.contains(TORCH_WARNING)) {
                assertThat(torchExplained)
                        .as("PyTorch's warning is explained before it appears")
                        .isTrue();
                torchWarnings++;
            } else {
                throw new AssertionError("a line of no logger of this library on stderr: " + line + "\n" + errText);
            }
        }
        assertThat(torchWarnings).as("PyTorch's native warning").isLessThanOrEqualTo(1);
        // the same message twice, whenever it was logged
        assertThat(err.stream()
                        .map(l -> l.replaceFirst("^\\d\\d:\\d\\d:\\d\\d ", ""))
                        .toList())
                .as("repeated lines")
                .doesNotHaveDuplicates();
        // the fit pass and one pass per evaluated set
        assertThat(progress.keySet())
                .containsExactly(
                        "fit on fashion-mnist-train-fit", "inspect fashion-mnist-test:300", "inspect mnist-digits:300");
        progress.forEach((task, seconds) -> {
            // one line per 5 s of the pass and the last one: never one per batch
            double duration = seconds.get(seconds.size() - 1);
            assertThat(seconds.size())
                    .as("progress lines of %s over %.1f s", task, duration)
                    .isLessThanOrEqualTo((int) (duration / ProgressBar.LINE_EVERY_SECONDS) + 1);
            for (int i = 1; i < seconds.size(); i++) {
                assertThat(seconds.get(i) - seconds.get(i - 1))
                        .isGreaterThanOrEqualTo(ProgressBar.LINE_EVERY_SECONDS - 0.05);
            }
        });
    }

    /** The environment variables {@code ./onnx-inspect} exports (its {@code export NAME="${NAME:-VALUE}"} lines). */
    private static Map<String, String> scriptEnvironment() throws IOException {
        Path script = Path.of("..", "onnx-inspect");
        Pattern export = Pattern.compile("^export (\\w+)=\"?(?:\\$\\{\\w+:-)?([^}\"]*)}?\"?$");
        Map<String, String> env = new LinkedHashMap<>();
        for (String line : Files.readAllLines(script)) {
            Matcher m = export.matcher(line.trim());
            if (m.matches()) {
                env.put(m.group(1), m.group(2));
            }
        }
        assertThat(env).as("exports of %s", script).containsKey("ORT_DISABLE_TELEMETRY");
        return env;
    }

    /** The simple names of every class of this library on the class path (a logger's short name is one of them). */
    private static Set<String> ownClassNames() throws IOException {
        Set<String> names = new HashSet<>();
        for (String entry : System.getProperty("java.class.path").split(File.pathSeparator)) {
            Path path = Path.of(entry);
            if (Files.isDirectory(path.resolve("dev/onnxinspect"))) {
                try (Stream<Path> files = Files.walk(path.resolve("dev/onnxinspect"))) {
                    files.map(p -> p.getFileName().toString())
                            .filter(n -> n.endsWith(".class"))
                            .forEach(n -> names.add(n.substring(0, n.length() - ".class".length())));
                }
            } else if (entry.endsWith(".jar") && Files.isRegularFile(path)) {
                try (ZipFile jar = new ZipFile(path.toFile())) {
                    jar.stream()
                            .map(e -> e.getName())
                            .filter(n -> n.startsWith("dev/onnxinspect/") && n.endsWith(".class"))
                            .forEach(n ->
                                    names.add(n.substring(n.lastIndexOf('/') + 1, n.length() - ".class".length())));
                }
            }
        }
        assertThat(names).as("classes of this library on the class path").contains("Main", "Inspection");
        return names;
    }
}
