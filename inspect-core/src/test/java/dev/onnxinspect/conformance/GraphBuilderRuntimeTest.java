package dev.onnxinspect.conformance;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import dev.onnxinspect.onnx.Dim;
import dev.onnxinspect.onnx.ElementType;
import dev.onnxinspect.onnx.OnnxModel;
import dev.onnxinspect.onnx.TensorShape;
import dev.onnxinspect.onnx.graph.ConvOptions;
import dev.onnxinspect.onnx.graph.GraphBuilder;
import dev.onnxinspect.onnx.graph.PoolOptions;
import java.nio.FloatBuffer;
import java.nio.LongBuffer;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Models made with {@link GraphBuilder} run in ONNX Runtime and compute what the ops define (numbers by hand). */
class GraphBuilderRuntimeTest {
    private static final OrtEnvironment ENV = OrtEnvironment.getEnvironment();

    @Test
    void denseLayersComputeWxPlusB() throws OrtException {
        GraphBuilder g = GraphBuilder.create("mlp");
        String x = g.input("input", TensorShape.batched("N", 4));
        g.addInitializer("fc1/W", new float[] {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12}, 3, 4);
        g.addInitializer("fc1/b", new float[] {0.5f, -0.5f, 0}, 3);
        g.addInitializer("fc2/W", new float[] {1, 0, -1, 0, 1, 1}, 3, 2);
        g.addInitializer("fc2/b", new float[] {0, 1}, 2);
        String h = g.relu("fc1/relu", g.gemm("fc1/gemm", x, "fc1/W", "fc1/b", true));
        g.output(g.gemm("fc2/gemm", h, "fc2/W", "fc2/b", false));
        // fc1 (W 3x4, transB): [1,2,3,4].[1,2,3,4] + 0.5 = 30.5; .[5,6,7,8] - 0.5 = 69.5; .[9,10,11,12] = 110
        // fc2 (W 3x2): [30.5 - 69.5 + 110, 110 + 1] = [71, 111]
        float[] out = run(g.build(), "input", new float[] {1, 2, 3, 4}, new long[] {1, 4});
        assertThat(out).containsExactly(71f, 111f);
    }

    @Test
    void geluMatchesTheErfDefinition() throws OrtException {
        GraphBuilder g = GraphBuilder.create("gelu");
        String x = g.input("x", TensorShape.of(3));
        g.output(g.gelu("act", x));
        // gelu(x) = x/2 (1 + erf(x/sqrt2)); erf(1/sqrt2) = 0.682689492137086 (the 1-sigma mass of N(0,1))
        float[] out = run(g.build(), "x", new float[] {-1, 0, 1}, new long[] {3});
        assertThat(out[0]).isCloseTo((float) (-0.5 * (1 - 0.682689492137086)), within(1e-6f));
        assertThat(out[1]).isEqualTo(0f);
        assertThat(out[2]).isCloseTo((float) (0.5 * (1 + 0.682689492137086)), within(1e-6f));
    }

    @Test
    void convolutionAndPooling() throws OrtException {
        GraphBuilder g = GraphBuilder.create("cnn");
        String x = g.input("image", TensorShape.batched("N", 1, 3, 3));
        g.addInitializer("conv/W", new float[] {1, 1, 1, 1}, 1, 1, 2, 2);
        g.addInitializer("conv/b", new float[] {0.5f}, 1);
        String c =
                g.conv("conv", x, "conv/W", "conv/b", ConvOptions.builder(2, 2).build());
        String p = g.maxPool("pool", c, PoolOptions.builder(2, 2).build());
        g.output(g.flatten("flat", p, 1));
        // image 1..9 row-major; 2x2 sums of ones: 1+2+4+5 = 12, 16, 24, 28 (+0.5); max = 28.5
        float[] out = run(g.build(), "image", new float[] {1, 2, 3, 4, 5, 6, 7, 8, 9}, new long[] {1, 1, 3, 3});
        assertThat(out).containsExactly(28.5f);
    }

    @Test
    void iocWeightTransformAndElu() throws OrtException {
        GraphBuilder g = GraphBuilder.create("ioc");
        String w = g.input("w", TensorShape.of(4));
        g.addInitializer("zero", new float[] {0f});
        g.addInitializer("five", new float[] {5f});
        String transformed = g.where("w_ioc", g.less("neg", w, "zero"), g.exp("exp", g.sub("shift", w, "five")), w);
        g.output(g.elu("elu", transformed, 0.5f));
        // w' = exp(w - 5) for w < 0 else w: [-1, 0, 2, -5] -> [e^-6, 0, 2, e^-10]; all >= 0 so Elu is identity
        float[] out = run(g.build(), "w", new float[] {-1, 0, 2, -5}, new long[] {4});
        assertThat(out[0]).isCloseTo((float) Math.exp(-6), within(1e-9f));
        assertThat(out[1]).isEqualTo(0f);
        assertThat(out[2]).isEqualTo(2f);
        assertThat(out[3]).isCloseTo((float) Math.exp(-10), within(1e-11f));
    }

    @Test
    void eluAndBatchNormalisation() throws OrtException {
        GraphBuilder g = GraphBuilder.create("bn");
        String x = g.input("x", TensorShape.batched("N", 2, 1, 1));
        g.addInitializer("scale", new float[] {2, 1}, 2);
        g.addInitializer("bias", new float[] {1, -3}, 2);
        g.addInitializer("mean", new float[] {1, 2}, 2);
        g.addInitializer("var", new float[] {4, 0.25f}, 2);
        String bn = g.batchNormalization("bn", x, "scale", "bias", "mean", "var", 1e-5f);
        g.output(g.elu("elu", bn, 0.5f));
        // (x - mean) / sqrt(var + eps) * scale + bias, per channel:
        // channel 0: (3 - 1) / sqrt(4 + 1e-5) * 2 + 1 = 3 - 2.5e-6 (to first order); positive, so Elu keeps it
        // channel 1: (2.5 - 2) / sqrt(0.25 + 1e-5) - 3 = -2 - 2e-5; Elu: 0.5 (e^(-2 - 2e-5) - 1)
        float[] out = run(g.build(), "x", new float[] {3, 2.5f}, new long[] {1, 2, 1, 1});
        double eps = 1e-5f;
        assertThat(out[0]).isCloseTo((float) (2 / Math.sqrt(4 + eps) * 2 + 1), within(1e-6f));
        assertThat(out[1]).isCloseTo((float) (0.5 * (Math.exp(0.5 / Math.sqrt(0.25 + eps) - 3) - 1)), within(1e-6f));
    }

    @Test
    void maskedMeanOfGatheredRowsWithInt64Inputs() throws OrtException {
        GraphBuilder g = GraphBuilder.create("masked-mean");
        String ids = g.input("ids", ElementType.INT64, TensorShape.of(Dim.symbolic("N"), Dim.symbolic("T")));
        String mask = g.input("mask", ElementType.INT64, TensorShape.of(Dim.symbolic("N"), Dim.symbolic("T")));
        g.addInitializer("table", new float[] {0, 0, 1, 2, 3, -1}, 3, 2);
        String emb = g.gather("emb", "table", ids, 0);
        String maskf = g.cast("maskf", mask, ElementType.FLOAT);
        String sum = g.reduceSum("sum", g.mul("masked", emb, g.unsqueeze("mask3", maskf, 2)), false, 1);
        g.addInitializer("one", new float[] {1f});
        String count = g.max("count", g.reduceSum("n", maskf, true, 1), "one");
        String mean = g.div("mean", sum, count);
        g.output(g.matMul("proj", mean, g.transpose("table_t", "table", 1, 0)));
        // table rows [0, 0], [1, 2], [3, -1]. Sample 0: ids [1, 2, 0], mask [1, 1, 0]: (row1 + row2) / 2 = [2, 0.5];
        // sample 1: mask all 0: sum [0, 0] / max(0, 1) = [0, 0] (no NaN). proj = mean . table^T:
        // [2 * 0 + 0.5 * 0, 2 * 1 + 0.5 * 2, 2 * 3 + 0.5 * (-1)] = [0, 3, 5.5]; sample 1 gives [0, 0, 0]
        try (OrtSession session = ENV.createSession(g.build().toBytes(), new OrtSession.SessionOptions());
                OnnxTensor idsTensor = OnnxTensor.createTensor(
                        ENV, LongBuffer.wrap(new long[] {1, 2, 0, 2, 0, 0}), new long[] {2, 3});
                OnnxTensor maskTensor = OnnxTensor.createTensor(
                        ENV, LongBuffer.wrap(new long[] {1, 1, 0, 0, 0, 0}), new long[] {2, 3});
                OrtSession.Result result = session.run(Map.of("ids", idsTensor, "mask", maskTensor))) {
            assertThat(((OnnxTensor) result.get(0)).getFloatBuffer().array()).containsExactly(0f, 3f, 5.5f, 0f, 0f, 0f);
        }
    }

    private static float[] run(OnnxModel model, String input, float[] data, long[] shape) throws OrtException {
        try (OrtSession session = ENV.createSession(model.toBytes(), new OrtSession.SessionOptions());
                OnnxTensor tensor = OnnxTensor.createTensor(ENV, FloatBuffer.wrap(data), shape);
                OrtSession.Result result = session.run(Map.of(input, tensor))) {
            return ((OnnxTensor) result.get(0)).getFloatBuffer().array();
        }
    }
}
