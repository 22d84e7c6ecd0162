package dev.onnxinspect.samples.dynamics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import dev.onnxinspect.dynamics.DynamicsException;
import dev.onnxinspect.dynamics.WeightNorms;
import dev.onnxinspect.dynamics.WeightTrajectory;
import dev.onnxinspect.trainers.arch.IocMlp;
import dev.onnxinspect.trainers.export.ExportOptions;
import dev.onnxinspect.trainers.export.IocWeightExport;
import dev.onnxinspect.trainers.export.OnnxCheckpointWriter;
import dev.onnxinspect.trainers.export.OnnxExporter;
import dev.onnxinspect.trainers.model.ModelParameters;
import dev.onnxinspect.trainers.model.ParameterTensor;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * SPEC §10 (amended 2026-12-07): for an IOC network the weight norms of {@code weight_norms.csv} use the raw w, the
 * same theta as the training history ({@link ModelParameters#l2Norm()}), not the exported exp(w - 5).
 *
 * <p>The IOC net 2-2-2: dense1/linear (unconstrained) W1 = I, b1 = 0 at both steps; logits (constrained) b2 = 0 and
 * <pre>
 * t  raw W2              ||logits||^2        ||logits - logits_0||^2            total^2   total distance^2
 * 0  [[1, 0], [0, 1]]    1 + 1 = 2           0                                  2 + 2 = 4 0
 * 1  [[-1, 0], [0, 2]]   1 + 4 = 5           (-1 - 1)^2 + (2 - 1)^2 = 5         2 + 5 = 7 5
 * </pre>
 * With the exported w' = exp(-1 - 5) for the negative entry the logits norm would be sqrt(e^-12 + 4) ~ 2.0000015 and
 * the distance sqrt((e^-6 - 1)^2 + 1) ~ 1.4125, which is what main's code wrote.
 */
class IocWeightNormsTest {
    private static final IocMlp IOC = new IocMlp(new int[] {2}, new int[] {2}, 2);

    private static ModelParameters params(float[] w2) {
        return new ModelParameters(List.of(
                new ParameterTensor("dense1/linear.weight", new int[] {2, 2}, new float[] {1, 0, 0, 1}, true),
                new ParameterTensor("dense1/linear.bias", new int[] {2}, new float[] {0, 0}, true),
                new ParameterTensor("logits.weight", new int[] {2, 2}, w2, true),
                new ParameterTensor("logits.bias", new int[] {2}, new float[] {0, 0}, true)));
    }

    private static List<ModelParameters> series() {
        return List.of(params(new float[] {1, 0, 0, 1}), params(new float[] {-1, 0, 0, 2}));
    }

    private static void assertHandDerived(WeightTrajectory w) {
        WeightNorms t0 = w.at(0);
        WeightNorms t1 = w.at(1);
        assertThat(t0.layer("logits").norm()).isCloseTo(Math.sqrt(2), within(1e-12));
        assertThat(t0.totalNorm()).isCloseTo(2, within(1e-12));
        assertThat(t0.totalDistanceFromInit()).isZero();
        assertThat(t1.layer("dense1/linear").norm()).isCloseTo(Math.sqrt(2), within(1e-12));
        assertThat(t1.layer("dense1/linear").distanceFromInit()).isZero();
        assertThat(t1.layer("logits").norm()).isCloseTo(Math.sqrt(5), within(1e-12));
        assertThat(t1.layer("logits").distanceFromInit()).isCloseTo(Math.sqrt(5), within(1e-12));
        assertThat(t1.totalNorm()).isCloseTo(Math.sqrt(7), within(1e-12));
        assertThat(t1.totalDistanceFromInit()).isCloseTo(Math.sqrt(5), within(1e-12));
    }

    @Test
    void inMemoryIocCheckpointsGiveTheRawWeightNormsOfTheTrainingHistory() {
        WeightTrajectory w = DynamicsAnalysis.weights(CheckpointSeries.fromParameters(IOC, series()));

        assertThat(w.layers()).containsExactly("dense1/linear", "logits");
        assertHandDerived(w);
        // The training history's figures come from the same theta.
        List<ModelParameters> p = series();
        assertThat(w.at(1).totalNorm()).isCloseTo(p.get(1).l2Norm(), within(1e-12));
        assertThat(w.at(1).totalDistanceFromInit()).isCloseTo(p.get(1).distanceTo(p.get(0)), within(1e-12));
    }

    @Test
    void inGraphIocCheckpointFilesGiveTheRawWeightsWithoutTheConstants(@TempDir Path dir) throws Exception {
        ExportOptions inGraph =
                ExportOptions.builder().iocWeights(IocWeightExport.IN_GRAPH).build();
        List<ModelParameters> p = series();
        for (int t = 0; t < p.size(); t++) {
            Files.write(OnnxCheckpointWriter.checkpointFile(dir, t), OnnxExporter.exportBytes(IOC, p.get(t), inGraph));
        }

        WeightTrajectory w = DynamicsAnalysis.weights(CheckpointSeries.fromDirectory(dir));

        assertThat(w.layers()).containsExactly("dense1/linear", "logits");
        assertHandDerived(w);
    }

    @Test
    void transformedIocCheckpointFilesAreRefusedWithTheFix(@TempDir Path dir) throws Exception {
        Files.write(
                OnnxCheckpointWriter.checkpointFile(dir, 0),
                OnnxExporter.exportBytes(IOC, series().get(1), ExportOptions.DEFAULTS));

        assertThatThrownBy(() -> DynamicsAnalysis.weights(CheckpointSeries.fromDirectory(dir)))
                .isInstanceOf(DynamicsException.class)
                .hasMessageContaining("checkpoint-000.onnx")
                .hasMessageContaining("exp(w - 5)")
                .hasMessageContaining("IocWeightExport.IN_GRAPH");
    }

    @Test
    void anUnconstrainedNetworkCarriesNoIocMarker() {
        assertThat(OnnxExporter.export(
                                TinyCheckpoints.MLP,
                                TinyCheckpoints.parameters().get(0),
                                ExportOptions.DEFAULTS)
                        .proto()
                        .getMetadataPropsList())
                .noneMatch(m -> m.getKey().equals(OnnxExporter.IOC_WEIGHTS_KEY));
    }
}
