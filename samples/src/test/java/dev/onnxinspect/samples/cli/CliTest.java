package dev.onnxinspect.samples.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.onnxinspect.onnx.OnnxModel;
import dev.onnxinspect.onnx.TensorSelector;
import dev.onnxinspect.onnx.ValueInfo;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every command's happy path and its main user errors, through {@link Main#run}: exit codes, one-line errors without
 * stack traces, and the files each command promises. Uses a tiny 784-6-10 model built in code and the first few
 * hundred samples of the cached datasets (scripts/fetch-data.sh).
 */
class CliTest {
    @TempDir
    Path dir;

    /** What a command printed and returned. */
    record Outcome(int code, String out, String err) {}

    static Outcome run(String... args) {
        PrintStream oldOut = System.out;
        PrintStream oldErr = System.err;
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        try {
            System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
            System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
            int code = Main.run(args);
            return new Outcome(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
        } finally {
            System.setOut(oldOut);
            System.setErr(oldErr);
        }
    }

    static Path tinyModel(Path dir, int inputs) throws Exception {
        return CliTestModels.tiny(dir, inputs);
    }

    @Test
    void helpOnEveryCommand() {
        for (String command :
                new String[] {"demo", "train", "describe", "instrument", "inspect", "audit", "fit", "score", "serve"}) {
            Outcome o = run(command, "--help");
            assertThat(o.code()).as(command).isZero();
            assertThat(o.out()).as(command).contains("Usage: onnx-inspect " + command);
        }
    }

    @Test
    void serveRefusesBadServiceLimitsBeforeLoadingAnything() {
        String guard = dir.resolve("guard").toString();
        Outcome timeout = run("serve", "missing.onnx", guard, "--header-timeout", "0");
        assertThat(timeout.code()).isEqualTo(ExitCodes.INPUT_ERROR);
        assertThat(timeout.err())
                .isEqualTo("error: --header-timeout 0.0 is out of range; give seconds from 0.001 to 86400, e.g."
                        + " --header-timeout 10" + System.lineSeparator());
        Outcome queue = run("serve", "missing.onnx", guard, "--queue", "0", "--idle-timeout", "0.5");
        assertThat(queue.code()).isEqualTo(ExitCodes.INPUT_ERROR);
        assertThat(queue.err())
                .startsWith("error: service limits must be positive")
                .contains("queue 0");
    }

    @Test
    void unknownOptionIsAUsageError() {
        Outcome o = run("describe", "--no-such-option", "x.onnx");
        assertThat(o.code()).isEqualTo(ExitCodes.USAGE);
        assertThat(o.err()).contains("--no-such-option");
    }

    @Test
    void batchSizeIsAutoOrAPositiveNumber() {
        for (String bad : new String[] {"0", "-3", "many"}) {
            Outcome o = run("inspect", "x.onnx", "--data", "fashion-mnist-test:10", "--batch-size", bad);
            assertThat(o.code()).as(bad).isEqualTo(ExitCodes.USAGE);
            assertThat(o.err())
                    .as(bad)
                    .contains("'" + bad + "' is not a batch size")
                    .contains("auto");
        }
    }

    @Test
    void describeListsLayers() throws Exception {
        Outcome o = run("describe", tinyModel(dir, 784).toString());
        assertThat(o.code()).isZero();
        assertThat(o.out()).contains("Gemm", "Relu", "hidden/relu", "input", "logits");
    }

    @Test
    void missingModelFileIsOneLineWithoutStackTrace() {
        Outcome o = run("describe", dir.resolve("nope.onnx").toString());
        assertThat(o.code()).isEqualTo(ExitCodes.IO_ERROR);
        assertThat(o.err()).contains("nope.onnx").doesNotContain("\tat ");
        assertThat(o.err().strip().lines().count()).isEqualTo(1);
    }

    @Test
    void aModelPathThatIsADirectoryIsAFileError() {
        Outcome o = run("describe", dir.toString());
        assertThat(o.code()).isEqualTo(ExitCodes.IO_ERROR);
        assertThat(o.err()).startsWith("error: ").contains("is a directory").doesNotContain("\tat ");
    }

    @Test
    void badOptionValuesAreInputErrorsNotBugs() throws Exception {
        // each of these was an IllegalArgumentException, which no longer counts as a user error
        Path model = tinyModel(dir, 784);
        Outcome spec = run(
                "inspect",
                model.toString(),
                "--data",
                "fashion-mnist-test:ten",
                "--out",
                dir.resolve("o").toString(),
                "--quiet");
        assertThat(spec.code()).as(spec.err()).isEqualTo(ExitCodes.INPUT_ERROR);
        assertThat(spec.err())
                .contains("fashion-mnist-test:ten", "sample count")
                .doesNotContain("\tat ");
        Outcome device = run(
                "inspect",
                model.toString(),
                "--data",
                "fashion-mnist-test:10",
                "--device",
                "tpu",
                "--out",
                dir.resolve("o").toString(),
                "--quiet");
        assertThat(device.code()).as(device.err()).isEqualTo(ExitCodes.INPUT_ERROR);
        assertThat(device.err()).contains("unknown device 'tpu'", "auto, cuda or cpu");
        Outcome nodes = run(
                "inspect",
                model.toString(),
                "--data",
                "fashion-mnist-test:10",
                "--node-eval-samples",
                "-1",
                "--out",
                dir.resolve("o").toString(),
                "--quiet");
        assertThat(nodes.code()).as(nodes.err()).isEqualTo(ExitCodes.INPUT_ERROR);
        assertThat(nodes.err()).contains("--node-eval-samples", "got -1");
        Outcome demo =
                run("demo", "--train-samples", "0", "--out", dir.resolve("d").toString(), "--quiet");
        assertThat(demo.code()).as(demo.err()).isEqualTo(ExitCodes.INPUT_ERROR);
        assertThat(demo.err()).contains("positive sample count, got 0");
    }

    @Test
    void corruptModelIsAnInputError() throws Exception {
        Path bad = dir.resolve("bad.onnx");
        Files.write(bad, new byte[] {1, 2, 3, 4, 5, 6, 7, 8, 9});
        Outcome o = run("describe", bad.toString());
        assertThat(o.code()).isEqualTo(ExitCodes.INPUT_ERROR);
        assertThat(o.err()).startsWith("error: ").contains("bad.onnx").doesNotContain("\tat ");
    }

    @Test
    void instrumentExposesReluOutputs() throws Exception {
        Path out = dir.resolve("instrumented.onnx");
        Outcome o = run("instrument", tinyModel(dir, 784).toString(), "--op-type", "Relu", "-o", out.toString());
        assertThat(o.code()).isZero();
        assertThat(OnnxModel.load(out).describe().outputs())
                .extracting(ValueInfo::name)
                .containsExactly("logits", "hidden/relu");
    }

    @Test
    void instrumentUnknownLayerSuggestsClosestNames() throws Exception {
        Outcome o = run(
                "instrument",
                tinyModel(dir, 784).toString(),
                "--name",
                "hidden/relo",
                "-o",
                dir.resolve("x.onnx").toString());
        assertThat(o.code()).isEqualTo(ExitCodes.INPUT_ERROR);
        assertThat(o.err()).contains("hidden/relo", "hidden/relu").doesNotContain("\tat ");
        assertThat(dir.resolve("x.onnx")).doesNotExist();
    }

    @Test
    void inspectWritesTheStatisticsTables() throws Exception {
        Path out = dir.resolve("inspect");
        Outcome o = run(
                "inspect",
                tinyModel(dir, 784).toString(),
                "--data",
                "fashion-mnist-test:300",
                "mnist-digits:200",
                "--out",
                out.toString(),
                "--quiet");
        assertThat(o.code()).as(o.err()).isZero();
        for (String t : new String[] {
            "scores",
            "activation_frequency",
            "frequency_histogram",
            "layer_summary",
            "class_kl",
            "ood_metrics",
            "roc_curve"
        }) {
            assertThat(out.resolve(t + ".arrow")).as(t).isRegularFile();
        }
        assertThat(out.resolve("manifest.json")).content().contains("hidden/relu");
    }

    @Test
    void inspectUnknownLayerIsAnInputError() throws Exception {
        Outcome o = run(
                "inspect",
                tinyModel(dir, 784).toString(),
                "--data",
                "fashion-mnist-test:50",
                "--layers",
                "hiden/relu",
                "--out",
                dir.resolve("o").toString(),
                "--quiet");
        assertThat(o.code()).isEqualTo(ExitCodes.INPUT_ERROR);
        assertThat(o.err()).contains("hiden/relu").doesNotContain("\tat ");
    }

    @Test
    void dataOfTheWrongShapeIsAnInputError() throws Exception {
        Outcome o = run(
                "inspect",
                tinyModel(dir, 100).toString(),
                "--data",
                "fashion-mnist-test:50",
                "--out",
                dir.resolve("o").toString(),
                "--quiet");
        assertThat(o.code()).isEqualTo(ExitCodes.INPUT_ERROR);
        assertThat(o.err()).contains("100").contains("784").doesNotContain("\tat ");
    }

    @Test
    void unknownDatasetNamesTheKnownOnes() throws Exception {
        Outcome o = run(
                "inspect",
                tinyModel(dir, 784).toString(),
                "--data",
                "cifar10",
                "--out",
                dir.resolve("o").toString(),
                "--quiet");
        assertThat(o.code()).isEqualTo(ExitCodes.INPUT_ERROR);
        assertThat(o.err()).contains("cifar10", "fashion-mnist-test");
    }

    @Test
    void auditWritesTablesAndReport() throws Exception {
        Path out = dir.resolve("audit");
        Outcome o = run(
                "audit",
                tinyModel(dir, 784).toString(),
                "--id",
                "fashion-mnist-test:300",
                "--ood",
                "mnist-digits:300",
                "--fit",
                "fashion-mnist-train:300",
                "--out",
                out.toString(),
                "--quiet");
        assertThat(o.code()).as(o.err()).isZero();
        assertThat(out.resolve("report.html")).isRegularFile();
        for (String t : new String[] {
            "ood_metrics",
            "roc_curve",
            "scores",
            "interaction_frequency",
            "node_classifier",
            "class_kl",
            "layer_summary"
        }) {
            assertThat(out.resolve("tables/" + t + ".arrow")).as(t).isRegularFile();
        }
        assertThat(o.out()).contains("AUROC", "knn", "mahalanobis", "nap_hamming[hidden/relu]", "layer accuracy");
    }

    @Test
    void auditRefusesTuningOnEvaluationData() throws Exception {
        // fashion-mnist-test:100 is the first 100 samples of the ID set fashion-mnist-test:300
        Outcome o = run(
                "audit",
                tinyModel(dir, 784).toString(),
                "--id",
                "fashion-mnist-test:300",
                "--ood",
                "mnist-digits:100",
                "--tune-on",
                "fashion-mnist-test:100",
                "fashion-mnist-train:20",
                "--out",
                dir.resolve("tuned").toString(),
                "--quiet");
        assertThat(o.code()).isEqualTo(ExitCodes.INPUT_ERROR);
        assertThat(o.err())
                .contains("sample 0 of the evaluation set fashion-mnist-test:300 is identical to"
                        + " fashion-mnist-test:100 sample 0")
                .doesNotContain("\tat ");
        assertThat(dir.resolve("tuned")).doesNotExist();
    }

    @Test
    void auditTakesTheTensorsTheDetectorsReadByName() throws Exception {
        Path model = tinyModel(dir, 784);
        Outcome wrong = run(
                "audit",
                model.toString(),
                "--id",
                "fashion-mnist-test:20",
                "--ood",
                "mnist-digits:20",
                "--head",
                "hidden/relu",
                "--out",
                dir.resolve("wrong").toString(),
                "--quiet");
        assertThat(wrong.code()).isEqualTo(ExitCodes.INPUT_ERROR);
        assertThat(wrong.err()).contains("tensor 'hidden/relu'").contains("is not the output of a dense layer");
        Outcome named = run(
                "audit",
                model.toString(),
                "--id",
                "fashion-mnist-test:60",
                "--ood",
                "mnist-digits:60",
                "--fit",
                "fashion-mnist-train:60",
                "--logits",
                "logits",
                "--features",
                "hidden/relu",
                "--head",
                "logits",
                "--out",
                dir.resolve("named").toString(),
                "--quiet");
        assertThat(named.code()).as(named.err()).isZero();
        assertThat(named.out()).contains("mahalanobis", "vim", "react_energy");
    }

    @Test
    void auditWithAMissingDatasetFileIsAFileError() throws Exception {
        Outcome o = run(
                "audit",
                tinyModel(dir, 784).toString(),
                "--id",
                dir.resolve("none.arrow").toString(),
                "--ood",
                "mnist-digits:10",
                "--out",
                dir.resolve("o").toString(),
                "--quiet");
        // issue 13: a file that cannot be read is a file error (Kind.IO, exit 4), as a missing model always was
        assertThat(o.code()).isEqualTo(ExitCodes.IO_ERROR);
        assertThat(o.err()).contains("none.arrow", "no such file or directory");
    }

    @Test
    void viewsMasksAndBudgetsAreCheckedBeforeAnyPass() throws Exception {
        String model = tinyModel(dir, 784).toString();
        String[] data = {
            "--id",
            "fashion-mnist-test:20",
            "--ood",
            "mnist-digits:20",
            "--out",
            dir.resolve("o").toString(),
            "--quiet"
        };
        Outcome unknownView = run(concat(new String[] {"audit", model, "--view", "hidden/relu=channel_sum"}, data));
        assertThat(unknownView.code()).isEqualTo(ExitCodes.INPUT_ERROR);
        assertThat(unknownView.err()).contains("unknown neuron view channel_sum", "masked_mean");
        // hidden/relu is a dense layer [6]: it has no channel axis
        Outcome denseChannels = run(concat(new String[] {"audit", model, "--view", "hidden/relu=channel_mean"}, data));
        assertThat(denseChannels.code()).isEqualTo(ExitCodes.INPUT_ERROR);
        assertThat(denseChannels.err()).contains("hidden/relu cannot be viewed CHANNEL_MEAN");
        Outcome noMaskInput = run(concat(new String[] {"audit", model, "--mask", "attention_mask"}, data));
        assertThat(noMaskInput.code()).isEqualTo(ExitCodes.INPUT_ERROR);
        assertThat(noMaskInput.err()).contains("attention_mask is not an input of the model");
        // a budget of 0 MiB
        Outcome noBudget = run(concat(new String[] {"audit", model, "--memory-budget", "0"}, data));
        assertThat(noBudget.code()).isEqualTo(ExitCodes.INPUT_ERROR);
        assertThat(noBudget.err()).contains("the memory budget must be positive");
    }

    private static String[] concat(String[] a, String[] b) {
        String[] all = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, all, a.length, b.length);
        return all;
    }

    @Test
    void demoRunsEndToEndOnASubset() {
        Path out = dir.resolve("demo");
        Outcome o = run(
                "demo",
                "--epochs",
                "1",
                "--train-samples",
                "1000",
                "--test-samples",
                "300",
                "--ood-samples",
                "300",
                "--fit-samples",
                "300",
                "--out",
                out.toString(),
                "--quiet");
        assertThat(o.code()).as(o.err()).isZero();
        assertThat(out.resolve("model.onnx")).isRegularFile();
        assertThat(out.resolve("report.html")).isRegularFile();
        assertThat(out.resolve("tables/training_history.arrow")).isRegularFile();
        assertThat(out.resolve("tables/scores.arrow")).isRegularFile();
        assertThat(o.out()).contains("test accuracy", "msp");
    }

    @Test
    void fitThenScoreFlagsSamples() throws Exception {
        Path model = tinyModel(dir, 784);
        Path guard = dir.resolve("guard");
        Outcome fit = run(
                "fit",
                model.toString(),
                "--data",
                "fashion-mnist-train:400",
                "--calibration",
                "fashion-mnist-test:200",
                "-o",
                guard.toString(),
                "--quiet");
        assertThat(fit.code()).as(fit.err()).isZero();
        assertThat(fit.out()).contains("energy", "knn");
        Path scores = dir.resolve("scores.arrow");
        Outcome score = run(
                "score",
                model.toString(),
                "--guard",
                guard.toString(),
                "--data",
                "mnist-digits:100",
                "fashion-mnist-test:100",
                "-o",
                scores.toString(),
                "--quiet");
        assertThat(score.code()).as(score.err()).isZero();
        assertThat(score.out())
                .contains(
                        "mnist-digits:100: 100 samples",
                        "fashion-mnist-test:100: 100 samples",
                        "flagged as OOD by energy");
        assertThat(scores).isRegularFile();
    }

    @Test
    void fitAtAFalseAlarmRateWithAHoldoutGivesPValues() throws Exception {
        Path model = tinyModel(dir, 784);
        Path guard = dir.resolve("guard");
        Outcome fit = run(
                "fit",
                model.toString(),
                "--data",
                "fashion-mnist-train:400",
                "--holdout-every",
                "5",
                "--false-alarm-rate",
                "0.05",
                "-o",
                guard.toString(),
                "--quiet");
        assertThat(fit.code()).as(fit.err()).isZero();
        // every 5th of 400 fit samples held out: n = 80 calibration scores
        assertThat(fit.out()).contains("p-values against 80 calibration scores", "held out", "decision: p <= 0.05");
        assertThat(guard.resolve("guard.properties")).content().contains("false_alarm_rate=0.05");
        Path scores = dir.resolve("scores.arrow");
        Outcome score = run(
                "score",
                model.toString(),
                "--guard",
                guard.toString(),
                "--data",
                "mnist-digits:60",
                "-o",
                scores.toString(),
                "--quiet");
        assertThat(score.code()).as(score.err()).isZero();
        assertThat(score.out()).contains("p-value <= 0.05");
        List<Map<String, Object>> rows = ArrowRows.read(scores);
        assertThat(rows).hasSize(60);
        long flaggedByP = 0;
        for (Map<String, Object> row : rows) {
            double p = ArrowRows.asDouble(row.get("p_value"));
            // p = (1 + count) / 81 with count in 0..80
            double count = p * 81 - 1;
            assertThat(count).isCloseTo(Math.rint(count), within(1e-9)).isBetween(-1e-9, 80 + 1e-9);
            flaggedByP += p <= 0.05 ? 1 : 0;
        }
        // the printed count is the number of rows with p <= a
        assertThat(score.out()).contains("60 samples, " + flaggedByP + " flagged as OOD by energy");
        Outcome refused = run(
                "fit",
                model.toString(),
                "--data",
                "fashion-mnist-train:100",
                "--false-alarm-rate",
                "0.05",
                "-o",
                dir.resolve("g2").toString(),
                "--quiet");
        assertThat(refused.code()).isEqualTo(ExitCodes.INPUT_ERROR);
        assertThat(refused.err()).contains("--holdout-every").doesNotContain("\tat ");
    }

    @Test
    void fitAndScoreReshapeFlatImagesForAnImageModel() throws Exception {
        // Fashion-MNIST rows are 784 flat values; the model takes [N, 1, 28, 28] (the guard reshapes as the audit)
        Path model = CliTestModels.tinyImage(dir);
        Path guard = dir.resolve("guard");
        Outcome fit =
                run("fit", model.toString(), "--data", "fashion-mnist-train:300", "-o", guard.toString(), "--quiet");
        assertThat(fit.code()).as(fit.err()).isZero();
        assertThat(guard.resolve("guard.properties"))
                .content()
                .contains("input.0.shape=1,28,28", "input.0.fit_shape=1,28,28");
        Outcome score = run(
                "score",
                model.toString(),
                "--guard",
                guard.toString(),
                "--data",
                "mnist-digits:50",
                "-o",
                dir.resolve("s.arrow").toString(),
                "--quiet");
        assertThat(score.code()).as(score.err()).isZero();
        assertThat(score.out()).contains("mnist-digits:50: 50 samples");
    }

    @Test
    void scoreWithAGuardOfAnotherModelIsRefused() throws Exception {
        Path guard = dir.resolve("guard");
        assertThat(run(
                                "fit",
                                tinyModel(dir, 784).toString(),
                                "--data",
                                "fashion-mnist-train:300",
                                "-o",
                                guard.toString(),
                                "--quiet")
                        .code())
                .isZero();
        Path other = dir.resolve("other.onnx");
        OnnxModel.load(tinyModel(dir, 784))
                .instrument(TensorSelector.opType("Relu"))
                .model()
                .save(other);
        Outcome o = run("score", other.toString(), "--guard", guard.toString(), "--data", "mnist-digits:10", "--quiet");
        assertThat(o.code()).isEqualTo(ExitCodes.INPUT_ERROR);
        assertThat(o.err()).containsIgnoringCase("sha-256").doesNotContain("\tat ");
    }

    @Test
    void trainRunsAGridAndWritesCheckpointsAndHistory() {
        Path out = dir.resolve("train");
        Outcome o = run(
                "train",
                "--arch",
                "mlp",
                "--hidden",
                "16",
                "--epochs",
                "1",
                "--train-samples",
                "300",
                "--test-samples",
                "100",
                "--experiment",
                "clean,labels:0.5",
                "--seeds",
                "3",
                "--out",
                out.toString());
        assertThat(o.code()).as(o.err()).isZero();
        assertThat(out.resolve("training_history.arrow")).isRegularFile();
        assertThat(out.resolve("clean-seed3/checkpoint-000.onnx")).isRegularFile();
        assertThat(out.resolve("clean-seed3/checkpoint-001.onnx")).isRegularFile();
        assertThat(out.resolve("labels-0.5-seed3/checkpoint-001.onnx")).isRegularFile();
        assertThat(o.out()).contains("clean-seed3", "labels-0.5-seed3");
    }

    @Test
    void trainUnknownArchitectureIsAnInputError() {
        Outcome o =
                run("train", "--arch", "transformer", "--out", dir.resolve("t").toString());
        assertThat(o.code()).isEqualTo(ExitCodes.INPUT_ERROR);
        assertThat(o.err()).contains("transformer", "mlp, lenet, resnet or ioc");
    }

    @Test
    void aDetectorThatCannotBeFittedIsLeftOutAndRecorded() throws Exception {
        // KNN needs k = 50 fit samples (SPEC §5); with 30 the audit goes on without it and says so in the manifest
        Path out = dir.resolve("audit");
        Outcome o = run(
                "audit",
                tinyModel(dir, 784).toString(),
                "--id",
                "fashion-mnist-test:100",
                "--ood",
                "mnist-digits:100",
                "--fit",
                "fashion-mnist-train:30",
                "--out",
                out.toString(),
                "--quiet");
        assertThat(o.code()).as(o.err()).isZero();
        assertThat(o.out()).contains("mahalanobis").doesNotContain("knn ");
        assertThat(out.resolve("tables/manifest.json")).content().contains("detectors_skipped", "KnnDetector");
    }
}
