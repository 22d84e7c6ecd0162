package dev.onnxinspect.trainers.export;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import ai.onnx.proto.OnnxMl.GraphProto;
import ai.onnx.proto.OnnxMl.NodeProto;
import ai.onnx.proto.OnnxMl.TensorShapeProto;
import ai.onnx.proto.OnnxMl.ValueInfoProto;
import dev.onnxinspect.onnx.ElementType;
import dev.onnxinspect.onnx.OnnxModel;
import dev.onnxinspect.trainers.TrainingException;
import dev.onnxinspect.trainers.arch.Architecture;
import dev.onnxinspect.trainers.arch.TextClassifier;
import dev.onnxinspect.trainers.experiments.KeywordTextTask;
import dev.onnxinspect.trainers.model.DjlInference;
import dev.onnxinspect.trainers.model.Initialization;
import dev.onnxinspect.trainers.model.ModelParameters;
import dev.onnxinspect.trainers.model.ParameterTensor;
import dev.onnxinspect.trainers.train.OptimizerKind;
import dev.onnxinspect.trainers.train.TextTrainer;
import dev.onnxinspect.trainers.train.TextTrainingRun;
import dev.onnxinspect.trainers.train.TokenData;
import dev.onnxinspect.trainers.train.TrainingConfig;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The exported text classifier: a hand-set network computed on paper, and a trained one against DJL. */
class TextClassifierExportTest {
    private static final double TOLERANCE = 1e-5;

    /** V = 4, d = 2, one token layer of 2, one hidden layer of 2, K = 2. */
    private static final TextClassifier TINY = TextClassifier.relu(4, 2, new int[] {2}, new int[] {2}, 2);

    /**
     * Embedding rows e0 = [0, 0], e1 = [1, 2], e2 = [3, -1], e3 = [-2, 4]. Token layer W = I, b = [1, 0], so
     * token1/relu = relu(e + [1, 0]): id 0 -> [1, 0], id 1 -> [2, 2], id 2 -> [4, 0], id 3 -> [0, 4]. Head: dense1
     * W = I, b = 0 (the identity on the non-negative pooled features), logits W = [[1, -1], [0, 1]], b = [0, 0.5].
     */
    private static ModelParameters tinyParameters() {
        return new ModelParameters(List.of(
                new ParameterTensor("embedding.weight", new int[] {4, 2}, new float[] {0, 0, 1, 2, 3, -1, -2, 4}, true),
                new ParameterTensor("token1/linear.weight", new int[] {2, 2}, new float[] {1, 0, 0, 1}, true),
                new ParameterTensor("token1/linear.bias", new int[] {2}, new float[] {1, 0}, true),
                new ParameterTensor("dense1/linear.weight", new int[] {2, 2}, new float[] {1, 0, 0, 1}, true),
                new ParameterTensor("dense1/linear.bias", new int[] {2}, new float[] {0, 0}, true),
                new ParameterTensor("logits.weight", new int[] {2, 2}, new float[] {1, -1, 0, 1}, true),
                new ParameterTensor("logits.bias", new int[] {2}, new float[] {0, 0.5f}, true)));
    }

    @Test
    void handSetNetworkPoolsOnlyTheMaskedPositions() throws Exception {
        // four sequences of T = 3:
        //   s0 ids [1, 2, 0] mask [1, 1, 0] (padded): ([2, 2] + [4, 0]) / 2 = [3, 1]
        //   s1 ids [3, 3, 2] mask [1, 1, 1]: ([0, 4] + [0, 4] + [4, 0]) / 3 = [4/3, 8/3]
        //   s2 ids [2, 0, 0] mask [0, 0, 0] (all padding): 0 / max(0, 1) = [0, 0], not NaN
        //   s3 ids [0, 1, 0] mask [0, 1, 0] (a mask that is not a prefix): [2, 2]
        // logits = [p0 - p1, p1 + 0.5]: s0 [2, 1.5], s1 [-4/3, 19/6], s2 [0, 0.5], s3 [0, 2.5]
        long[] ids = {1, 2, 0, 3, 3, 2, 2, 0, 0, 0, 1, 0};
        long[] mask = {1, 1, 0, 1, 1, 1, 0, 0, 0, 0, 1, 0};
        double[] pooled = {3, 1, 4.0 / 3, 8.0 / 3, 0, 0, 2, 2};
        double[] logits = {2, 1.5, -4.0 / 3, 19.0 / 6, 0, 0.5, 0, 2.5};
        ModelParameters p = tinyParameters();
        Map<String, float[]> onnx = OrtTextRunner.runAll(
                TextClassifierExporter.export(TINY, p, ExportOptions.DEFAULTS).toBytes(), ids, mask, 4);
        Map<String, float[]> djl = DjlInference.forwardAll(TINY, p, ids, mask, 4);
        for (Map<String, float[]> out : List.of(onnx, djl)) {
            assertClose(out.get(TextClassifier.POOLED), pooled, 1e-6);
            assertClose(out.get("dense1/relu"), pooled, 1e-6);
            assertClose(out.get(Architecture.LOGITS), logits, 1e-6);
            // the sequence layers keep values at padded positions: s0's third token is id 0
            assertThat(out.get(TextClassifier.EMBEDDING)).hasSize(4 * 3 * 2).startsWith(1f, 2f, 3f, -1f, 0f, 0f);
            assertThat(out.get("token1/relu")).hasSize(4 * 3 * 2).startsWith(2f, 2f, 4f, 0f, 1f, 0f);
        }
        assertThat(onnx.keySet())
                .containsExactly(
                        Architecture.LOGITS,
                        TextClassifier.EMBEDDING,
                        "token1/relu",
                        TextClassifier.POOLED,
                        "dense1/relu");
    }

    @Test
    void withoutTokenLayersTheEmbeddingIsPooled() throws Exception {
        // V = 4, d = 2, no token layer, no hidden layer: logits = W mean(e) + b with W = I, b = 0.
        // ids [1, 3] mask [1, 1]: ([1, 2] + [-2, 4]) / 2 = [-0.5, 3]; ids [2, 1] mask [1, 0]: [3, -1]
        TextClassifier net = TextClassifier.relu(4, 2, new int[0], new int[0], 2);
        ModelParameters p = new ModelParameters(List.of(
                new ParameterTensor("embedding.weight", new int[] {4, 2}, new float[] {0, 0, 1, 2, 3, -1, -2, 4}, true),
                new ParameterTensor("logits.weight", new int[] {2, 2}, new float[] {1, 0, 0, 1}, true),
                new ParameterTensor("logits.bias", new int[] {2}, new float[] {0, 0}, true)));
        long[] ids = {1, 3, 2, 1};
        long[] mask = {1, 1, 1, 0};
        Map<String, float[]> onnx = OrtTextRunner.runAll(
                TextClassifierExporter.export(net, p, ExportOptions.DEFAULTS).toBytes(), ids, mask, 2);
        assertThat(onnx.keySet()).containsExactly(Architecture.LOGITS, TextClassifier.EMBEDDING, TextClassifier.POOLED);
        assertThat(onnx.get(TextClassifier.POOLED)).containsExactly(-0.5f, 3f, 3f, -1f);
        assertThat(onnx.get(Architecture.LOGITS)).containsExactly(-0.5f, 3f, 3f, -1f);
        assertThat(DjlInference.forwardAll(net, p, ids, mask, 2).get(Architecture.LOGITS))
                .containsExactly(-0.5f, 3f, 3f, -1f);
    }

    @Test
    void trainedNetworkMatchesDjlOnEveryOutputForAnySequenceLength() throws Exception {
        KeywordTextTask task = KeywordTextTask.DEFAULT;
        TextClassifier net =
                TextClassifier.relu(task.vocabSize(), 8, new int[] {12}, new int[] {10}, task.numClasses());
        TokenData train = task.generate(256, 11);
        TextTrainingRun run = TextTrainer.train(
                net,
                train,
                task.generate(64, 12),
                TrainingConfig.builder(1)
                        .optimizer(OptimizerKind.ADAM)
                        .learningRate(0.01)
                        .batchSize(32)
                        .seed(5)
                        .build());
        ModelParameters trained = run.finalParameters();
        assertThat(trained).isNotEqualTo(Initialization.xavierUniform(net, 5));
        OnnxModel model = TextClassifierExporter.export(
                run, ExportOptions.builder().includePreActivations(true).build());

        // in-distribution sequences padded to T = 12, the same cut to T = 7, out-of-distribution ids, and a row
        // whose mask is all 0
        TokenData id = task.generate(6, 13);
        for (int length : new int[] {12, 7}) {
            long[] ids = new long[6 * length];
            long[] mask = new long[6 * length];
            for (int i = 0; i < 6; i++) {
                System.arraycopy(id.ids(i), 0, ids, i * length, length);
                System.arraycopy(id.mask(i), 0, mask, i * length, length);
            }
            Arrays.fill(mask, 5 * length, 6 * length, 0L);
            assertAgreement(model, net, trained, ids, mask, 6);
        }
        TokenData ood = task.generateOod(4, 14);
        assertAgreement(model, net, trained, flatten(ood.paddedIds()), flatten(ood.paddedMask()), 4);
    }

    private static void assertAgreement(
            OnnxModel model, TextClassifier net, ModelParameters p, long[] ids, long[] mask, int n) throws Exception {
        Map<String, float[]> onnx = OrtTextRunner.runAll(model.toBytes(), ids, mask, n);
        Map<String, float[]> djl = DjlInference.forwardAll(net, p, ids, mask, n);
        assertThat(List.copyOf(onnx.keySet()))
                .containsExactly(
                        Architecture.LOGITS,
                        TextClassifier.EMBEDDING,
                        "token1/linear",
                        "token1/relu",
                        TextClassifier.POOLED,
                        "dense1/linear",
                        "dense1/relu");
        for (String name : onnx.keySet()) {
            assertThat(onnx.get(name)).as(name).hasSameSizeAs(djl.get(name));
            for (int i = 0; i < onnx.get(name).length; i++) {
                assertThat((double) onnx.get(name)[i])
                        .as(name + "[" + i + "]")
                        .isCloseTo(djl.get(name)[i], within(TOLERANCE));
            }
            assertThat(onnx.get(name)).as(name).doesNotContain(Float.NaN);
        }
    }

    @Test
    void graphHasInt64InputsWithDynamicAxesAndDescribesItself() {
        OnnxModel model = TextClassifierExporter.export(
                TINY,
                tinyParameters(),
                ExportOptions.builder().metadata("origin", "test").build());
        GraphProto graph = model.proto().getGraph();
        assertThat(graph.getInputList())
                .extracting(ValueInfoProto::getName)
                .containsExactly(TextClassifier.INPUT_IDS, TextClassifier.ATTENTION_MASK);
        for (ValueInfoProto input : graph.getInputList()) {
            assertThat(input.getType().getTensorType().getElemType()).isEqualTo(ElementType.INT64.code());
            assertThat(input.getType().getTensorType().getShape().getDimList())
                    .extracting(TensorShapeProto.Dimension::getDimParam)
                    .containsExactly("N", "T");
        }
        Map<String, List<String>> outputDims = new HashMap<>();
        for (ValueInfoProto output : graph.getOutputList()) {
            outputDims.put(
                    output.getName(),
                    output.getType().getTensorType().getShape().getDimList().stream()
                            .map(d -> d.hasDimParam() ? d.getDimParam() : Long.toString(d.getDimValue()))
                            .toList());
        }
        assertThat(outputDims)
                .containsEntry(Architecture.LOGITS, List.of("N", "2"))
                .containsEntry(TextClassifier.EMBEDDING, List.of("N", "T", "2"))
                .containsEntry("token1/relu", List.of("N", "T", "2"))
                .containsEntry(TextClassifier.POOLED, List.of("N", "2"))
                .containsEntry("dense1/relu", List.of("N", "2"));
        assertThat(graph.getNodeList())
                .extracting(NodeProto::getOpType)
                .startsWith(
                        "Gather",
                        "Transpose",
                        "MatMul",
                        "Add",
                        "Relu",
                        "Cast",
                        "Unsqueeze",
                        "Mul",
                        "ReduceSum",
                        "ReduceSum",
                        "Max",
                        "Div",
                        "Gemm");

        Map<String, String> metadata = new HashMap<>();
        model.proto().getMetadataPropsList().forEach(e -> metadata.put(e.getKey(), e.getValue()));
        assertThat(metadata)
                .containsEntry("onnx_inspect.architecture.architecture", "text")
                .containsEntry("onnx_inspect.architecture.vocab_size", "4")
                .containsEntry("onnx_inspect.architecture.pooling", "masked_mean")
                .containsEntry("onnx_inspect.exposed_layers", "logits,embedding,token1/relu,pooled,dense1/relu")
                .containsEntry("onnx_inspect.sequence_layers", "embedding,token1/relu")
                .containsEntry("onnx_inspect.sequence_mask", "attention_mask")
                .containsEntry("origin", "test");
        // the library's head finder sees the logits Gemm and its features
        assertThat(model.lastDenseLayer().outputName()).isEqualTo(Architecture.LOGITS);
        assertThat(model.penultimateFeatures()).isEqualTo("dense1/relu");
        assertThat(TextClassifierExporter.outputNames(TINY, ExportOptions.DEFAULTS))
                .containsExactly("logits", "embedding", "token1/relu", "pooled", "dense1/relu");
    }

    @Test
    void parametersOfAnotherNetworkAreRejected() {
        ModelParameters p = tinyParameters();
        assertThatThrownBy(() -> TextClassifierExporter.export(
                        TextClassifier.relu(5, 2, new int[] {2}, new int[] {2}, 2), p, ExportOptions.DEFAULTS))
                .isInstanceOf(TrainingException.class)
                .hasMessageContaining("embedding.weight has shape [4, 2], expected [5, 2]");
        assertThatThrownBy(() -> TextClassifierExporter.export(
                        TextClassifier.relu(4, 2, new int[] {2, 2}, new int[] {2}, 2), p, ExportOptions.DEFAULTS))
                .hasMessageContaining("needs parameter token2/linear");
        assertThatThrownBy(() -> TextClassifierExporter.export(
                        TextClassifier.relu(4, 2, new int[0], new int[] {2}, 2), p, ExportOptions.DEFAULTS))
                .hasMessageContaining(
                        "parameters [token1/linear.weight, token1/linear.bias] do not belong to the " + "text");
    }

    private static void assertClose(float[] actual, double[] expected, double tolerance) {
        assertThat(actual).hasSize(expected.length);
        for (int i = 0; i < expected.length; i++) {
            assertThat((double) actual[i]).as("[" + i + "]").isCloseTo(expected[i], within(tolerance));
        }
    }

    private static long[] flatten(long[][] rows) {
        return Arrays.stream(rows).flatMapToLong(Arrays::stream).toArray();
    }
}
