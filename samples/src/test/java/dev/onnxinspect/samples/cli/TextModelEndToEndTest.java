package dev.onnxinspect.samples.cli;

import static dev.onnxinspect.samples.cli.ArrowRows.asLong;
import static dev.onnxinspect.samples.cli.ArrowRows.where;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.onnxinspect.audit.Audit;
import dev.onnxinspect.audit.AuditResult;
import dev.onnxinspect.audit.MetricsRow;
import dev.onnxinspect.data.DataSpec;
import dev.onnxinspect.data.FileSource;
import dev.onnxinspect.data.InputMapping;
import dev.onnxinspect.guard.GuardOptions;
import dev.onnxinspect.guard.OodGuard;
import dev.onnxinspect.guard.Verdict;
import dev.onnxinspect.onnx.OnnxModel;
import dev.onnxinspect.samples.cli.CliTest.Outcome;
import dev.onnxinspect.samples.examples.TextDataFiles;
import dev.onnxinspect.stats.Significance;
import dev.onnxinspect.trainers.experiments.TextClassifierSample;
import dev.onnxinspect.trainers.train.TokenData;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 20, "Done when": the text classifier (int64 token ids and an attention mask; embedding, masked mean, MLP),
 * trained here with the project's own tools on the keyword task, its data written as Parquet files with a list<int64>
 * column of unpadded token ids, then inspected, audited, fitted and scored through the command line and the API.
 * Expected values are counts the test knows from the data it wrote: 500 test and 500 OOD rows, the class sizes of the
 * test labels, one metrics row per detector and OOD set.
 */
class TextModelEndToEndTest {
    @TempDir
    static Path dir;

    static TextClassifierSample.Result text;
    static Path model;

    @BeforeAll
    static void trainAndWrite() throws IOException {
        text = TextDataFiles.trainAndWrite(dir, 1);
        model = text.model();
    }

    /** A dataset argument: token ids from the Parquet file's list column, the mask built, labels where present. */
    static String data(String file, boolean labels) {
        Path f = dir.resolve(file);
        return "input_ids=" + f + ":tokens,attention_mask=mask-of:input_ids"
                + (labels ? ",labels=" + f + ":label" : "");
    }

    static int[] classSizes(TokenData data) {
        int[] sizes = new int[data.numClasses()];
        for (int label : data.labels()) {
            sizes[label]++;
        }
        return sizes;
    }

    @Test
    void describeSaysHowToFeedTheTokenInputs() {
        Outcome o = CliTest.run("describe", model.toString());
        assertThat(o.code()).as(o.err()).isZero();
        assertThat(o.out())
                .contains(
                        "input_ids",
                        "int64 [",
                        "token ids: input_ids=FILE:COLUMN",
                        "a padding mask: attention_mask=mask-of:input_ids",
                        "logits    logits",
                        "head      logits (W 3 x 32)",
                        "features  dense1/relu")
                .containsPattern("sequence layers .*embedding");
    }

    @Test
    void inspectCountsEveryTestSequenceByClass() throws IOException {
        Path out = dir.resolve("inspect");
        Outcome o = CliTest.run(
                "inspect",
                model.toString(),
                "--data",
                data("test.parquet", true),
                "--layers",
                "pooled,dense1/relu",
                "--out",
                out.toString(),
                "--quiet");
        assertThat(o.code()).as(o.err()).isZero();
        List<Map<String, Object>> scores = ArrowRows.read(out.resolve("scores.arrow"));
        assertThat(scores).hasSize(500);
        assertThat(scores).allSatisfy(r -> assertThat(r.get("dataset")).isEqualTo("test"));
        int[] sizes = classSizes(text.test());
        List<Map<String, Object>> summary = ArrowRows.read(out.resolve("layer_summary.arrow"));
        for (int c = 0; c < 3; c++) {
            List<Map<String, Object>> rows = where(summary, "layer", "dense1/relu", "dataset", "test", "class", c);
            assertThat(rows).as("class " + c).hasSize(1);
            assertThat(asLong(rows.get(0).get("samples"))).isEqualTo(sizes[c]);
        }
    }

    @Test
    void auditWritesAMetricsRowPerDetectorForTheOodSequences() throws IOException {
        Path out = dir.resolve("audit");
        Outcome o = CliTest.run(
                "audit",
                model.toString(),
                "--fit",
                data("train.parquet", true),
                "--id",
                data("test.parquet", true),
                "--ood",
                data("ood.parquet", false),
                "--layers",
                "pooled,dense1/relu",
                "--out",
                out.toString(),
                "--quiet");
        assertThat(o.code()).as(o.err()).isZero();
        List<Map<String, Object>> metrics = ArrowRows.read(out.resolve("tables/ood_metrics.arrow"));
        assertThat(metrics).isNotEmpty().allSatisfy(r -> {
            assertThat(r.get("id_dataset")).isEqualTo("test");
            assertThat(r.get("ood_dataset")).isEqualTo("ood");
            assertThat(asLong(r.get("n_id"))).isEqualTo(500);
            assertThat(asLong(r.get("n_ood"))).isEqualTo(500);
        });
        // the head is the Gemm on dense1/relu: every detector that needs W, b or h ran
        assertThat(metrics)
                .extracting(r -> r.get("detector"))
                .contains("energy", "knn", "mahalanobis", "vim", "react_energy", "nap_hamming");
        int[] sizes = classSizes(text.test());
        List<Map<String, Object>> frequency = ArrowRows.read(out.resolve("tables/activation_frequency.arrow"));
        for (int c = 0; c < 3; c++) {
            long size = sizes[c];
            assertThat(where(frequency, "layer", "pooled", "dataset", "test", "class", c))
                    .as("class " + c)
                    .isNotEmpty()
                    .allSatisfy(r -> assertThat(asLong(r.get("class_size"))).isEqualTo(size));
        }
    }

    @Test
    void fitAndScoreFlagTheOodSequencesMoreOftenThanTheTestSequences() {
        Path guard = dir.resolve("guard");
        Outcome fit = CliTest.run(
                "fit",
                model.toString(),
                "--data",
                data("train.parquet", true),
                "--calibration",
                data("test.parquet", true),
                "--primary",
                "knn",
                "-o",
                guard.toString(),
                "--quiet");
        assertThat(fit.code()).as(fit.err()).isZero();
        Outcome score = CliTest.run(
                "score",
                model.toString(),
                "--guard",
                guard.toString(),
                "--data",
                data("ood.parquet", false),
                data("test.parquet", true),
                "-o",
                dir.resolve("scores.arrow").toString(),
                "--quiet");
        assertThat(score.code()).as(score.err()).isZero();
        long ood = flagged(score.out(), "ood");
        long test = flagged(score.out(), "test");
        // thresholds at 95% of the test set accepted: 500 - ceil(0.95 * 500) = 25 test sequences flagged at most
        assertThat(test).isLessThanOrEqualTo(25);
        assertThat(ood).isGreaterThan(test);
    }

    private static long flagged(String out, String dataset) {
        Matcher m = Pattern.compile(dataset + ": 500 samples, (\\d+) flagged").matcher(out);
        assertThat(m.find()).as(out).isTrue();
        return Long.parseLong(m.group(1));
    }

    private static DataSpec spec(String file, boolean labels) throws IOException {
        Path f = dir.resolve(file);
        DataSpec.Builder b = DataSpec.builder()
                .input(InputMapping.column("input_ids", f, "tokens"))
                .input(InputMapping.maskOf("attention_mask", "input_ids"));
        if (labels) {
            b.labels(f, "label");
        }
        return b.build().fitTo(OnnxModel.load(model).describe().inputs());
    }

    @Test
    void theApiAuditsAndGuardsTheSameFiles() throws IOException {
        try (FileSource train = spec("train.parquet", true).open();
                FileSource test = spec("test.parquet", true).open();
                FileSource ood = spec("ood.parquet", false).open()) {
            AuditResult result = Audit.builder(model)
                    .fit(train)
                    .id(test)
                    .ood(ood)
                    .layers(List.of("pooled", "dense1/relu"))
                    .run();
            MetricsRow energy = result.metrics("energy", "ood").orElseThrow();
            assertThat(energy.evaluation().nId()).isEqualTo(500);
            assertThat(energy.evaluation().nOod()).isEqualTo(500);
            int[] sizes = classSizes(text.test());
            for (int c = 0; c < 3; c++) {
                assertThat(result.id()
                                .layers()
                                .get("pooled")
                                .frequencies()
                                .table(Significance.s1())
                                .forClass(c)
                                .classSize())
                        .isEqualTo(sizes[c]);
            }

            try (OodGuard guard = OodGuard.fit(
                    model,
                    train,
                    GuardOptions.builder()
                            .calibration(test)
                            .primaryDetector("knn")
                            .build())) {
                // one sequence by name, unpadded: its length is the arrays' length
                TokenData t = text.test();
                long[] ids =
                        Arrays.copyOf(t.ids(0), (int) Arrays.stream(t.mask(0)).sum());
                long[] mask = new long[ids.length];
                Arrays.fill(mask, 1);
                Verdict one = guard.score(Map.of("input_ids", ids, "attention_mask", mask));
                // padding it with masked positions changes nothing the masked mean sees
                Verdict padded = guard.score(Map.of("input_ids", t.ids(0), "attention_mask", t.mask(0)));
                assertThat(one.predictedClass()).isEqualTo(padded.predictedClass());
                assertThat(one.score("knn")).isCloseTo(padded.score("knn"), within(1e-5));
                long oodFlags = 0;
                long idFlags = 0;
                TokenData o = text.ood();
                for (int i = 0; i < 100; i++) {
                    oodFlags += guard.score(Map.of("input_ids", o.ids(i), "attention_mask", o.mask(i)))
                                    .ood()
                            ? 1
                            : 0;
                    idFlags += guard.score(Map.of("input_ids", t.ids(i), "attention_mask", t.mask(i)))
                                    .ood()
                            ? 1
                            : 0;
                }
                assertThat(oodFlags).isGreaterThan(idFlags);
            }
        }
    }
}
