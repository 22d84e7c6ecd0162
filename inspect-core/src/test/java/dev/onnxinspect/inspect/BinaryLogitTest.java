package dev.onnxinspect.inspect;

import static org.assertj.core.api.Assertions.assertThat;

import dev.onnxinspect.data.InMemoryDataset;
import dev.onnxinspect.onnx.TensorShape;
import dev.onnxinspect.onnx.graph.GraphBuilder;
import dev.onnxinspect.runtime.InferenceSession;
import dev.onnxinspect.runtime.SessionConfig;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * A binary classifier with one logit (SPEC §5: K = 2 with logits (0, z)): x [N, 2] -> Gemm (w = (1, -1)) -> "z"
 * [N, 1] = x0 - x1 -> Squeeze -> "z1" [N]. The prediction is argmax(0, z): class 1 when z > 0, class 0 when z < 0
 * and at the tie z = 0 (the lowest index).
 */
class BinaryLogitTest {
    private static byte[] model() {
        GraphBuilder g = GraphBuilder.create("one-logit");
        String x = g.input("x", TensorShape.batched("N", 2));
        g.addInitializer("w", new float[] {1, -1}, 1, 2);
        String z = g.gemm("z", x, "w", true);
        g.output(z);
        g.output(g.squeeze("z1", z, 1));
        return g.build().toBytes();
    }

    @ParameterizedTest
    @ValueSource(strings = {"z", "z1"})
    void oneLogitIsTwoClassesPredictedBySign(String logits) {
        // z = 2, -1, 0, 0.5
        InMemoryDataset data =
                InMemoryDataset.of("d", new float[] {2, 0, 0, 1, 1, 1, 0.5f, 0}, new int[] {1, 0, 1, 1}, 2);
        try (InferenceSession session = InferenceSession.open(model(), SessionConfig.defaults())) {
            List<Integer> predicted = new ArrayList<>();
            List<Integer> k = new ArrayList<>();
            InspectionSummary predictedRun = Inspection.builder(session, data)
                    .logitsOutput(logits)
                    .classSource(ClassSource.PREDICTED)
                    .batchSize(3)
                    .build()
                    .run(view -> {
                        k.add(view.numClasses());
                        for (int i = 0; i < view.size(); i++) {
                            predicted.add(view.predictedClass(i));
                            assertThat(view.classes()[i]).isEqualTo(view.predictedClass(i));
                        }
                    });
            assertThat(predicted).containsExactly(1, 0, 0, 1);
            assertThat(k).containsOnly(2);
            assertThat(predictedRun.classCounts()).containsExactly(2, 2);
            // labels in [0, 2) are accepted (K = 1 would refuse label 1)
            InspectionSummary labelled = Inspection.builder(session, data)
                    .logitsOutput(logits)
                    .build()
                    .run();
            assertThat(labelled.classCounts()).containsExactly(1, 3);
        }
    }
}
