package dev.onnxinspect.audit;

import static org.assertj.core.api.Assertions.assertThat;

import dev.onnxinspect.data.Batch;
import dev.onnxinspect.onnx.ClassifierTensors;
import dev.onnxinspect.onnx.DenseLayer;
import dev.onnxinspect.onnx.OnnxModel;
import dev.onnxinspect.onnx.TensorSelector;
import dev.onnxinspect.runtime.InferenceSession;
import dev.onnxinspect.runtime.LayerActivations;
import dev.onnxinspect.runtime.SessionConfig;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The head W, b that onnx-io reads from the graph computes what ONNX Runtime computes: for every head form of
 * {@link HeadModels}, W h + b over the features h the detectors read equals the logits ONNX Runtime returns (exactly:
 * every weight, bias and input is a small dyadic fraction, so the float32 sums are exact), and one logit is checked by
 * hand.
 */
class HeadWeightsRuntimeTest {
    @TempDir
    Path dir;

    @ParameterizedTest
    @ValueSource(
            strings = {
                "matmul-add",
                "gemm-alpha-beta",
                "conv-flatten",
                "conv-reshape",
                "conv-squeeze",
                "flatten",
                "binary"
            })
    void theHeadComputesTheLogitsOnnxRuntimeReturns(String kind) throws IOException {
        Path file = dir.resolve(kind + ".onnx");
        switch (kind) {
            case "matmul-add" -> HeadModels.matMulAdd(file);
            case "gemm-alpha-beta" -> HeadModels.gemmAlphaBeta(file);
            case "flatten" -> HeadModels.flattenHead(file);
            case "binary" -> HeadModels.binary(file);
            default -> HeadModels.convHead(file, kind.substring(5));
        }
        int[] shape = switch (kind) {
            case "flatten" -> new int[] {2, 4};
            case "matmul-add", "gemm-alpha-beta", "binary" -> new int[] {2};
            default -> new int[] {8, 2, 2};
        };
        OnnxModel model = OnnxModel.load(file);
        ClassifierTensors t = model.classifierTensors(null, null, null);
        DenseLayer head = t.head();
        int n = 5;
        int size = 1;
        for (int d : shape) {
            size *= d;
        }
        float[] x = new float[n * size];
        for (int i = 0; i < x.length; i++) {
            x[i] = ((i * 7 % 13) - 6) / 4f;
        }
        byte[] instrumented = model.instrument(TensorSelector.name(t.logits()), TensorSelector.name(t.features()))
                .model()
                .toBytes();
        try (InferenceSession session = InferenceSession.open(instrumented, SessionConfig.defaults())) {
            Map<String, LayerActivations> out =
                    session.run(new Batch(x, n, shape, null), List.of(t.logits(), t.features()));
            LayerActivations z = out.get(t.logits());
            LayerActivations h = out.get(t.features());
            assertThat(h.units()).isEqualTo(head.inFeatures());
            assertThat(z.units()).isEqualTo(head.outFeatures());
            for (int i = 0; i < n; i++) {
                for (int c = 0; c < head.outFeatures(); c++) {
                    double sum = head.bias()[c];
                    for (int j = 0; j < head.inFeatures(); j++) {
                        sum += (double) head.weight(c, j) * h.value(i, j);
                    }
                    assertThat((double) z.value(i, c))
                            .as("%s sample %d class %d", kind, i, c)
                            .isEqualTo(sum);
                }
            }
            if (kind.equals("matmul-add")) {
                // sample 0 is x = (-6/4, 1/4): z = (x0 + 0.25, x1 - 0.25) = (-1.25, 0)
                assertThat(z.value(0, 0)).isEqualTo(-1.25f);
                assertThat(z.value(0, 1)).isZero();
            }
        }
    }
}
