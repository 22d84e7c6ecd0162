package dev.onnxinspect.trainers.export;

import dev.onnxinspect.onnx.Dim;
import dev.onnxinspect.onnx.ElementType;
import dev.onnxinspect.onnx.OnnxModel;
import dev.onnxinspect.onnx.TensorShape;
import dev.onnxinspect.onnx.graph.GraphBuilder;
import dev.onnxinspect.trainers.arch.Architecture;
import dev.onnxinspect.trainers.arch.LayerSpec;
import dev.onnxinspect.trainers.arch.TextClassifier;
import dev.onnxinspect.trainers.model.ModelParameters;
import dev.onnxinspect.trainers.model.ParameterTensor;
import dev.onnxinspect.trainers.train.TextTrainingRun;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Exports a {@link TextClassifier} with given parameters as an instrumented ONNX model that computes what its DJL
 * block computes.
 *
 * <p>Inputs: {@value TextClassifier#INPUT_IDS} and {@value TextClassifier#ATTENTION_MASK}, both int64 [N, T] with
 * symbolic N and T. Graph: {@code Gather} of the rows of {@code embedding.weight} (the output
 * {@value TextClassifier#EMBEDDING}); each token dense layer as {@code MatMul} with the transposed weight
 * ({@code Transpose} node {@code <layer>/weight_t}) + {@code Add} of the bias, each nonlinearity as its op; the
 * masked mean as {@code Cast} of the mask to float, {@code Unsqueeze} to [N, T, 1], {@code Mul},
 * {@code ReduceSum} over T, divided ({@code Div}) by {@code Max}(ReduceSum of the mask, 1), output
 * {@value TextClassifier#POOLED}; the head as {@code Gemm} (transB) + nonlinearities, as {@link OnnxExporter}
 * writes an MLP. An id outside [0, V) is an error of the runtime.
 *
 * <p>Outputs: {@value Architecture#LOGITS} [N, K] first, then {@value TextClassifier#EMBEDDING} [N, T, d], every
 * token nonlinearity [N, T, h] (e.g. {@code token1/relu}), {@value TextClassifier#POOLED} [N, f] and every hidden
 * nonlinearity of the head [N, h] (e.g. {@code dense1/relu}); with {@link ExportOptions#includePreActivations()}
 * the dense outputs too ({@code token1/linear}, {@code dense1/linear}). The sequence layers (those with a T axis)
 * hold values at padded positions too; their statistics need the mask (SPEC preamble, {@code MASKED_MEAN}).
 *
 * <p>Metadata: {@code onnx_inspect.architecture.*} ({@link TextClassifier#describe()}),
 * {@code onnx_inspect.exposed_layers} (the output names), {@code onnx_inspect.sequence_layers} (the exposed outputs
 * with a T axis), {@code onnx_inspect.sequence_mask} (the input holding their mask), plus the options' entries.
 */
public final class TextClassifierExporter {
    private static final String PREFIX = "onnx_inspect.";

    private TextClassifierExporter() {}

    /** The exported model. */
    public static OnnxModel export(TextClassifier architecture, ModelParameters parameters, ExportOptions options) {
        return new Emitter(architecture, parameters, options).emit();
    }

    /**
     * The final model of a training run, with the run's training configuration recorded as
     * {@code onnx_inspect.training.*} metadata and its last epoch as {@code onnx_inspect.epoch}, besides the
     * options' own entries.
     */
    public static OnnxModel export(TextTrainingRun run, ExportOptions options) {
        Map<String, String> metadata = new LinkedHashMap<>(options.metadata());
        run.config().describe().forEach((k, v) -> metadata.putIfAbsent(PREFIX + "training." + k, v));
        metadata.putIfAbsent(
                PREFIX + "epoch", Integer.toString(run.finalRecord().epoch()));
        ExportOptions withRun = ExportOptions.builder()
                .includePreActivations(options.includePreActivations())
                .opset(options.opset())
                .metadata(metadata)
                .build();
        return export(run.architecture(), run.finalParameters(), withRun);
    }

    /** The names of the graph outputs the export will have, logits first. */
    public static List<String> outputNames(TextClassifier architecture, ExportOptions options) {
        List<String> names = new ArrayList<>();
        names.add(Architecture.LOGITS);
        names.add(TextClassifier.EMBEDDING);
        names.addAll(exposed(architecture.tokenLayers(), options));
        names.add(TextClassifier.POOLED);
        names.addAll(exposed(architecture.headLayers(), options));
        return List.copyOf(names);
    }

    private static List<String> exposed(List<LayerSpec> layers, ExportOptions options) {
        return layers.stream()
                .filter(l -> !l.name().equals(Architecture.LOGITS))
                .filter(l -> l.role() == LayerSpec.Role.ACTIVATION
                        || (options.includePreActivations() && l.role() == LayerSpec.Role.PRE_ACTIVATION))
                .map(LayerSpec::name)
                .toList();
    }

    /** The state of one export. */
    private static final class Emitter {
        private static final String BATCH = "N";
        private static final String LENGTH = "T";

        private final TextClassifier architecture;
        private final ExportOptions options;
        private final GraphBuilder graph;
        private final ExportParameters parameters;
        /** Output name -> its dimensions after the batch (and sequence) axes. */
        private final Map<String, Integer> widths = new HashMap<>();

        Emitter(TextClassifier architecture, ModelParameters parameters, ExportOptions options) {
            this.architecture = architecture;
            this.options = options;
            this.graph = GraphBuilder.create(architecture.kind()).opset(options.opset());
            this.parameters = new ExportParameters(architecture.kind(), parameters, graph);
        }

        OnnxModel emit() {
            TensorShape tokens = TensorShape.of(Dim.symbolic(BATCH), Dim.symbolic(LENGTH));
            String ids = graph.input(TextClassifier.INPUT_IDS, ElementType.INT64, tokens);
            String mask = graph.input(TextClassifier.ATTENTION_MASK, ElementType.INT64, tokens);

            ParameterTensor table = parameters.take(TextClassifier.EMBEDDING + ".weight");
            ExportParameters.requireShape(table, architecture.vocabSize(), architecture.embeddingDim());
            String x = graph.gather(TextClassifier.EMBEDDING, parameters.initializer(table), ids, 0);
            widths.put(x, architecture.embeddingDim());
            for (LayerSpec layer : architecture.tokenLayers()) {
                x = layer(layer, x, true);
            }
            x = maskedMean(x, mask);
            for (LayerSpec layer : architecture.headLayers()) {
                x = layer(layer, x, false);
            }
            parameters.requireAllUsed();

            List<String> outputs = outputNames(architecture, options);
            List<String> sequenceLayers = new ArrayList<>();
            for (String name : outputs) {
                boolean sequence = architecture.sequenceLayers().contains(name);
                int width = widths.get(name);
                graph.output(
                        name,
                        sequence
                                ? TensorShape.of(Dim.symbolic(BATCH), Dim.symbolic(LENGTH), Dim.of(width))
                                : TensorShape.batched(BATCH, width));
                if (sequence) {
                    sequenceLayers.add(name);
                }
            }
            architecture.describe().forEach((k, v) -> graph.metadata(PREFIX + "architecture." + k, v));
            graph.metadata(PREFIX + "exposed_layers", String.join(",", outputs));
            graph.metadata(PREFIX + "sequence_layers", String.join(",", sequenceLayers));
            graph.metadata(PREFIX + "sequence_mask", TextClassifier.ATTENTION_MASK);
            options.metadata().entrySet().stream()
                    .sorted(Map.Entry.comparingByKey())
                    .forEach(e -> graph.metadata(e.getKey(), e.getValue()));
            return graph.build();
        }

        /** A token layer ({@code perPosition}: reads [N, T, in]) or a head layer (reads [N, in]). */
        private String layer(LayerSpec layer, String x, boolean perPosition) {
            String n = layer.name();
            String out;
            if (layer instanceof LayerSpec.Dense d) {
                ParameterTensor w = parameters.take(n + ".weight");
                ExportParameters.requireShape(w, d.outFeatures(), d.inFeatures());
                String weight = parameters.initializer(w);
                ParameterTensor b = parameters.take(n + ".bias");
                ExportParameters.requireShape(b, d.outFeatures());
                String bias = parameters.initializer(b);
                out = perPosition
                        ? graph.add(
                                n, graph.matMul(n + "/matmul", x, graph.transpose(n + "/weight_t", weight, 1, 0)), bias)
                        : graph.gemm(n, x, weight, bias, true);
                widths.put(out, d.outFeatures());
            } else if (layer instanceof LayerSpec.Nonlinearity a) {
                out = OnnxExporter.activation(graph, a.activation(), n, x);
                widths.put(out, widths.get(x));
            } else {
                throw new IllegalStateException(
                        "a text classifier has only dense layers and nonlinearities, got " + layer);
            }
            return out;
        }

        /** sum_t s[n, t, :] m[n, t] / max(sum_t m[n, t], 1), the output {@value TextClassifier#POOLED}. */
        private String maskedMean(String sequence, String mask) {
            String p = TextClassifier.POOLED;
            String weights = graph.cast(p + "/mask", mask, ElementType.FLOAT);
            String masked = graph.mul(p + "/masked", sequence, graph.unsqueeze(p + "/mask3", weights, 2));
            String sum = graph.reduceSum(p + "/sum", masked, false, 1);
            String count = graph.reduceSum(p + "/count", weights, true, 1);
            String one = graph.addInitializer(p + "/one", new float[] {1f});
            String pooled = graph.div(p, sum, graph.max(p + "/denominator", count, one));
            widths.put(pooled, widths.get(sequence));
            return pooled;
        }
    }
}
