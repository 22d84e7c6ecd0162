package dev.onnxinspect.trainers.experiments;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.onnxinspect.OnnxInspectException;
import dev.onnxinspect.onnx.OnnxModel;
import dev.onnxinspect.trainers.TrainingException;
import dev.onnxinspect.trainers.arch.Mlp;
import dev.onnxinspect.trainers.export.OnnxCheckpointWriter;
import dev.onnxinspect.trainers.export.TestData;
import dev.onnxinspect.trainers.train.TrainingConfig;
import dev.onnxinspect.trainers.train.TrainingData;
import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.PosixFilePermission;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ExperimentRunnerTest {

    @Test
    void gridRunsEveryConfigurationAndSeedWithCheckpointsAndHistory(@TempDir Path root) throws Exception {
        Mlp mlp = Mlp.relu(4, 2, 3);
        TrainingData train = TestData.uniform(16, new int[] {4}, 2, 1);
        TrainingData test = TestData.uniform(8, new int[] {4}, 2, 2);
        TrainingConfig config = TrainingConfig.builder(2).batchSize(8).build();
        List<Experiment> grid = List.of(
                new Experiment("clean", mlp, config, new DataVariant.Clean()),
                new Experiment(
                        "noisy",
                        mlp.withDropout(0.5),
                        config.toBuilder().weightDecay(1e-3).build(),
                        new DataVariant.CorruptLabels(0.5)));

        List<ExperimentResult> results = ExperimentRunner.run(grid, new long[] {1, 2}, train, test, root);

        assertThat(results)
                .extracting(ExperimentResult::runId)
                .containsExactly("clean-seed1", "clean-seed2", "noisy-seed1", "noisy-seed2");
        ExperimentResult noisy = results.get(2);
        assertThat(noisy.configuration())
                .containsEntry("training.seed", "1")
                .containsEntry("training.weight_decay", "0.001")
                .containsEntry("architecture.dropout", "0.5")
                .containsKey("data.realised_changed_fraction");
        for (int epoch = 0; epoch <= 2; epoch++) {
            Path file = OnnxCheckpointWriter.checkpointFile(noisy.directory(), epoch);
            assertThat(file).exists();
            Map<String, String> metadata = OnnxModel.load(file).proto().getMetadataPropsList().stream()
                    .collect(Collectors.toMap(e -> e.getKey(), e -> e.getValue()));
            assertThat(metadata)
                    .containsEntry("onnx_inspect.epoch", Integer.toString(epoch))
                    .containsEntry("onnx_inspect.run_id", "noisy-seed1")
                    .containsEntry("onnx_inspect.exposed_layers", "logits,dense1/relu");
        }
        Properties properties = new Properties();
        try (Reader r = Files.newBufferedReader(noisy.directory().resolve("run.properties"))) {
            properties.load(r);
        }
        assertThat(properties.getProperty("outcome.status")).isEqualTo("completed");
        assertThat(properties.getProperty("outcome.last_epoch")).isEqualTo("2");
        // checkpoints and run.properties are readable by others like files created the ordinary way
        // (0666 & ~umask); Files.createTempFile would have made them owner-only (0600)
        assumeTrue(Files.getFileStore(root).supportsFileAttributeView(PosixFileAttributeView.class), "no POSIX");
        Path plain = Files.write(root.resolve("plain"), new byte[] {1});
        assumeTrue(Files.getPosixFilePermissions(plain).contains(PosixFilePermission.OTHERS_READ), "umask 0x7");
        for (Path saved : List.of(
                noisy.directory().resolve("run.properties"),
                OnnxCheckpointWriter.checkpointFile(noisy.directory(), 2))) {
            assertThat(Files.getPosixFilePermissions(saved))
                    .as(saved.toString())
                    .isEqualTo(Files.getPosixFilePermissions(plain))
                    .contains(PosixFilePermission.GROUP_READ, PosixFilePermission.OTHERS_READ);
        }

        List<HistoryRow> rows = ExperimentRunner.historyRows(results);
        assertThat(rows).hasSize(4 * 3);
        assertThat(rows.get(0).epoch()).isZero();
        assertThat(rows.get(0).distanceFromInit()).isZero();
        assertThat(rows.get(5).runId()).isEqualTo("clean-seed2");
        assertThat(rows.get(5).weightNorm())
                .isEqualTo(results.get(1).run().finalRecord().weightNorm());
    }

    @Test
    void everyDataVariantPreparesDataOfTheRightSize() {
        TrainingData train = TestData.uniform(12, new int[] {4}, 2, 1);
        TrainingData test = TestData.uniform(4, new int[] {4}, 2, 2);
        for (DataVariant.CorruptImages.Kind kind : DataVariant.CorruptImages.Kind.values()) {
            DataVariant.Prepared p = new DataVariant.CorruptImages(kind).prepare(train, test, 3);
            assertThat(p.train().size()).as(kind.name()).isEqualTo(12);
            assertThat(p.train().labels()).as(kind.name()).isEqualTo(train.labels());
            assertThat(p.train().features()).as(kind.name()).isNotEqualTo(train.features());
        }
        // round(12 / 4) = 3 copies of the 4 relabelled test samples
        DataVariant.Prepared extreme = new DataVariant.ExtremeOverfit().prepare(train, test, 3);
        assertThat(extreme.train().size()).isEqualTo(24);
        assertThat(extreme.facts()).containsEntry("appended_test_copies", "3").containsEntry("appended_samples", "12");
        assertThat(new DataVariant.CorruptImages(DataVariant.CorruptImages.Kind.SHUFFLED_PIXELS_PER_IMAGE).name())
                .isEqualTo("shuffled-pixels-per-image");
    }

    @Test
    void duplicateNamesAndBadNamesAreRejected() {
        Mlp mlp = Mlp.relu(4, 2, 3);
        TrainingConfig config = TrainingConfig.builder(1).build();
        Experiment a = new Experiment("a", mlp, config, new DataVariant.Clean());
        TrainingData data = TestData.uniform(4, new int[] {4}, 2, 1);
        assertThatThrownBy(() -> ExperimentRunner.run(List.of(a, a), new long[] {1}, data, data, Path.of("x")))
                .hasMessageContaining("unique");
        assertThatThrownBy(() -> new Experiment("a/b", mlp, config, new DataVariant.Clean()))
                .hasMessageContaining("names a directory")
                .hasFieldOrPropertyWithValue("kind", OnnxInspectException.Kind.INVALID_INPUT);
    }

    @Test
    void aRunRootThatCannotHoldDirectoriesIsAFileError(@TempDir Path root) throws Exception {
        // the run directory would lie under a regular file: creating it fails before any training
        Path file = Files.writeString(root.resolve("taken"), "x");
        Experiment a =
                new Experiment("a", Mlp.relu(4, 2, 3), TrainingConfig.builder(1).build(), new DataVariant.Clean());
        TrainingData data = TestData.uniform(4, new int[] {4}, 2, 1);
        assertThatThrownBy(() -> ExperimentRunner.runOne(a, 1, data, data, file))
                .isInstanceOf(TrainingException.class)
                .hasMessageContaining("could not write")
                .hasFieldOrPropertyWithValue("kind", OnnxInspectException.Kind.IO);
    }
}
