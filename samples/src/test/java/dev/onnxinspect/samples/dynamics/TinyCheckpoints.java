package dev.onnxinspect.samples.dynamics;

import dev.onnxinspect.data.InMemoryDataset;
import dev.onnxinspect.trainers.arch.Mlp;
import dev.onnxinspect.trainers.model.ModelParameters;
import dev.onnxinspect.trainers.model.ParameterTensor;
import dev.onnxinspect.trainers.train.EpochRecord;
import java.util.List;
import java.util.OptionalDouble;

/**
 * A hand-set checkpoint series of the MLP 2-2-2 (dense1/linear, dense1/relu, logits) whose hidden activations are
 * worked out on paper. Probe x0 = (1, 0), x1 = (0, 1), x2 = (1, 1). The logits layer stays W2 = I, b2 = 0.
 * <pre>
 * t  W1               b1         a0 = relu(W1 x0 + b1)  a1        a2        S1 patterns p0, p1, p2
 * 0  [[1,0],[0,1]]    (0, 0)     (1, 0)                 (0, 1)    (1, 1)    (1,0) (0,1) (1,1)
 * 1  [[3,0],[0,-1]]   (0, -0.5)  (3, 0)                 (0, 0)    (3, 0)    (1,0) (0,0) (1,0)
 * 2  [[3,0],[1,1]]    (0, 0)     (3, 1)                 (0, 1)    (3, 2)    (1,1) (0,1) (1,1)
 * </pre>
 */
final class TinyCheckpoints {
    static final Mlp MLP = Mlp.relu(2, 2, 2);
    static final String LAYER = "dense1/relu";

    private TinyCheckpoints() {}

    static List<ModelParameters> parameters() {
        return List.of(
                params(new float[] {1, 0, 0, 1}, new float[] {0, 0}),
                params(new float[] {3, 0, 0, -1}, new float[] {0, -0.5f}),
                params(new float[] {3, 0, 1, 1}, new float[] {0, 0}));
    }

    static ModelParameters params(float[] w1, float[] b1) {
        return new ModelParameters(List.of(
                new ParameterTensor("dense1/linear.weight", new int[] {2, 2}, w1, true),
                new ParameterTensor("dense1/linear.bias", new int[] {2}, b1, true),
                new ParameterTensor("logits.weight", new int[] {2, 2}, new float[] {1, 0, 0, 1}, true),
                new ParameterTensor("logits.bias", new int[] {2}, new float[] {0, 0}, true)));
    }

    static InMemoryDataset probe() {
        return InMemoryDataset.of("probe", new float[] {1, 0, 0, 1, 1, 1}, null, 2);
    }

    static EpochRecord record(int epoch) {
        return new EpochRecord(epoch, 1.0 / (epoch + 1), 0.5, 2.0, 0.25, OptionalDouble.empty(), 3.0, epoch, 0);
    }
}
