package dev.onnxinspect.samples.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.onnxinspect.samples.cli.CliTest.Outcome;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 13, the data rules, the same for every command: NAME:N beyond the set's size and empty data are refused in one
 * line (exit 3), --non-finite skip leaves out samples with NaN/infinite activations and says how many, and an input
 * file that cannot be read is named with the reason (exit 4).
 */
class DataRulesCliTest {
    @TempDir
    Path dir;

    /** One error line (log lines of the run before it aside), no stack trace. */
    private static void assertOneLine(Outcome o, int code, String... parts) {
        assertThat(o.code()).as(o.err()).isEqualTo(code);
        List<String> errors =
                o.err().lines().filter(l -> l.startsWith("error: ")).toList();
        assertThat(errors).as(o.err()).hasSize(1);
        assertThat(errors.get(0)).contains(parts);
        assertThat(o.err()).doesNotContain("\tat ");
    }

    private Path guard(Path model, String data, String... more) {
        Path guard = dir.resolve("guard");
        List<String> args = new ArrayList<>(List.of("fit", model.toString(), "--data", data, "-o", guard.toString()));
        args.addAll(List.of(more));
        args.add("--quiet");
        Outcome fit = CliTest.run(args.toArray(String[]::new));
        assertThat(fit.code()).as(fit.err()).isZero();
        return guard;
    }

    @Test
    void aCountBeyondTheSetsSizeIsRefusedByEveryCommand() throws Exception {
        Path model = CliTestModels.tiny(dir, 784);
        Path guard = guard(model, "fashion-mnist-train:100");
        String beyond = "mnist-digits:10001"; // the set has 10,000 samples
        String[] parts = {"mnist-digits:10001", "10000", "give at most 10000"};
        Path out = dir.resolve("out");
        assertOneLine(CliTest.run("inspect", model.toString(), "--data", beyond, "--out", out.toString()), 3, parts);
        assertOneLine(
                CliTest.run(
                        "audit",
                        model.toString(),
                        "--id",
                        "fashion-mnist-test:50",
                        "--ood",
                        beyond,
                        "--out",
                        out.toString()),
                3,
                parts);
        assertOneLine(CliTest.run("fit", model.toString(), "--data", beyond, "-o", out.toString()), 3, parts);
        assertOneLine(
                CliTest.run(
                        "score",
                        model.toString(),
                        "--guard",
                        guard.toString(),
                        "--data",
                        beyond,
                        "-o",
                        dir.resolve("s.arrow").toString()),
                3,
                parts);
        assertThat(out).doesNotExist();
        assertThat(dir.resolve("s.arrow")).doesNotExist();
    }

    @Test
    void anEmptySetIsRefusedByEveryCommandAndNothingIsWritten() throws Exception {
        Path model = CliTestModels.tiny(dir, 784);
        Path guard = guard(model, "fashion-mnist-train:100");
        Path empty = TestFiles.write(dir.resolve("empty.npy"), TestFiles.npy(new float[0], 0, 784));
        String data = "input=" + empty;
        String[] parts = {"dataset empty has no samples"};
        assertOneLine(
                CliTest.run(
                        "inspect",
                        model.toString(),
                        "--data",
                        data,
                        "--out",
                        dir.resolve("o").toString()),
                3,
                parts);
        assertOneLine(
                CliTest.run(
                        "fit",
                        model.toString(),
                        "--data",
                        data,
                        "-o",
                        dir.resolve("g2").toString()),
                3,
                parts);
        // score accepted 0 rows before; an existing scores file stays as it was
        Path scores = Files.writeString(dir.resolve("scores.arrow"), "earlier results");
        assertOneLine(
                CliTest.run(
                        "score",
                        model.toString(),
                        "--guard",
                        guard.toString(),
                        "--data",
                        data,
                        "-o",
                        scores.toString()),
                3,
                parts);
        assertThat(scores).hasContent("earlier results");
    }

    /**
     * 64 clean samples (x2 = 1, x1 != 0) with 16 poisoned ones among them when {@code poisoned}: before every 4th
     * clean sample, alternately one with x2 = 0 (NaN/infinite logits and features) and one with x1 = 0 (only the
     * layer "side" NaN; with {@code sideToo} false, x2 = 0 there too: the guard reads the logits and the features h,
     * not "side").
     */
    private Path data(String name, boolean poisoned, boolean sideToo) throws IOException {
        List<float[]> rows = new ArrayList<>();
        for (int i = 0; i < 64; i++) {
            float x0 = ((i * 7) % 17 - 8) * 0.25f;
            int b = (i * 5) % 16;
            float x1 = (b < 8 ? b - 8 : b - 7) * 0.25f;
            if (poisoned && (i + 1) % 4 == 0) {
                rows.add((i + 1) % 8 == 4 || !sideToo ? new float[] {x0, x1, 0} : new float[] {x0, 0, 1});
            }
            rows.add(new float[] {x0, x1, 1});
        }
        float[] x = new float[rows.size() * 3];
        long[] labels = new long[rows.size()];
        for (int i = 0; i < rows.size(); i++) {
            System.arraycopy(rows.get(i), 0, x, 3 * i, 3);
            labels[i] = rows.get(i)[1] - 0.25 > rows.get(i)[0] + 0.25 ? 1 : 0;
        }
        Path xs = TestFiles.write(dir.resolve(name + "/x.npy"), TestFiles.npy(x, rows.size(), 3));
        Path ys = TestFiles.write(dir.resolve(name + "/y.npy"), TestFiles.npy(labels, rows.size()));
        return Files.writeString(dir.resolve(name + ".spec"), "x=" + xs + ",labels=" + ys + ",name=" + name);
    }

    private static String spec(Path file) throws IOException {
        return Files.readString(file);
    }

    @Test
    void nonFiniteSamplesFailByDefaultAndAreSkippedAndCountedOnRequest() throws Exception {
        Path model = CliTestModels.nonFinite(dir);
        String poisoned = spec(data("poisoned", true, true));
        String poisonedLogits = spec(data("poisoned-logits", true, false));
        String clean = spec(data("clean", false, false));

        Outcome failing = CliTest.run(
                "inspect",
                model.toString(),
                "--data",
                poisoned,
                "--out",
                dir.resolve("f").toString());
        assertOneLine(failing, 3, "is NaN", "--non-finite skip");

        Outcome inspect = CliTest.run(
                "inspect",
                model.toString(),
                "--data",
                poisoned,
                "--non-finite",
                "skip",
                "--out",
                dir.resolve("i").toString(),
                "--quiet");
        assertThat(inspect.code()).as(inspect.err()).isZero();
        assertThat(inspect.out()).contains("ID set poisoned: 64 samples, 16 skipped (NaN or infinite activations)");

        Path guard = guard(model, poisonedLogits, "--non-finite", "skip");
        Path cleanGuard = dir.resolve("clean-guard");
        assertThat(CliTest.run("fit", model.toString(), "--data", clean, "-o", cleanGuard.toString(), "--quiet")
                        .code())
                .isZero();
        // the same detectors and thresholds as fitted on the clean data
        assertThat(thresholds(guard)).isEqualTo(thresholds(cleanGuard)).isNotEmpty();

        Path scores = dir.resolve("scores.arrow");
        Outcome score = CliTest.run(
                "score",
                model.toString(),
                "--guard",
                guard.toString(),
                "--data",
                poisonedLogits,
                "--non-finite",
                "skip",
                "-o",
                scores.toString(),
                "--quiet");
        assertThat(score.code()).as(score.err()).isZero();
        assertThat(score.out())
                .contains("poisoned-logits: 64 samples")
                .contains("16 skipped (NaN or infinite activations)");
        Path cleanScores = dir.resolve("clean-scores.arrow");
        assertThat(CliTest.run(
                                "score",
                                model.toString(),
                                "--guard",
                                guard.toString(),
                                "--data",
                                clean.replace("name=clean", "name=poisoned-logits"),
                                "-o",
                                cleanScores.toString(),
                                "--quiet")
                        .code())
                .isZero();
        List<Map<String, Object>> got = ArrowRows.read(scores);
        assertThat(got).hasSize(64).isEqualTo(ArrowRows.read(cleanScores));

        assertOneLine(
                CliTest.run("inspect", model.toString(), "--data", poisoned, "--non-finite", "maybe"),
                3,
                "--non-finite 'maybe' is not known; give fail or skip");
    }

    /** The threshold lines of guard.properties (threshold.* keys), sorted. */
    private static List<String> thresholds(Path guard) throws IOException {
        return Files.readAllLines(guard.resolve("guard.properties")).stream()
                .filter(l -> l.startsWith("threshold"))
                .sorted()
                .toList();
    }

    @Test
    @Timeout(value = 60, unit = TimeUnit.SECONDS, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
    void inputFilesThatCannotBeReadAreNamedWithTheReason() throws Exception {
        Path model = CliTestModels.nonFinite(dir);
        Path missing = dir.resolve("missing.npy");
        assertOneLine(
                CliTest.run("inspect", model.toString(), "--data", "x=" + missing),
                4,
                "cannot read input x",
                missing.toString(),
                "no such file or directory");
        assertOneLine(
                CliTest.run("inspect", model.toString(), "--data", missing.toString()),
                4,
                "cannot read dataset file " + missing,
                "no such file or directory");
        Path x = TestFiles.write(dir.resolve("x.npy"), TestFiles.npy(new float[] {1, 1, 1}, 1, 3));
        assertOneLine(
                CliTest.run("inspect", model.toString(), "--data", "x=" + x + ",labels=" + dir.resolve("y.npy")),
                4,
                "cannot read the labels",
                "y.npy",
                "no such file or directory");
        assertOneLine(
                CliTest.run(
                        "inspect",
                        model.toString(),
                        "--data",
                        dir.resolve("nope.arrow").toString()),
                4,
                "cannot read the Arrow image table",
                "nope.arrow",
                "no such file or directory");
        assertOneLine(
                CliTest.run("score", model.toString(), "--guard", x.toString(), "--data", "x=" + x),
                4,
                "cannot read the guard directory",
                "it is not a directory");
        Path fifo = dir.resolve("fifo.npy");
        Process p;
        try {
            p = new ProcessBuilder("mkfifo", fifo.toString()).start();
        } catch (IOException e) {
            p = null;
        }
        assumeTrue(p != null && p.waitFor(10, TimeUnit.SECONDS) && p.exitValue() == 0, "mkfifo not available");
        // before: the command blocked for ever reading the FIFO
        assertOneLine(
                CliTest.run("inspect", model.toString(), "--data", "x=" + fifo),
                4,
                "cannot read input x",
                "fifo.npy",
                "not a regular file");
    }
}
