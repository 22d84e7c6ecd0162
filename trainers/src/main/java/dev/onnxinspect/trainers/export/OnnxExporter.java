package dev.onnxinspect.trainers.export;

import dev.onnxinspect.onnx.OnnxModel;
import dev.onnxinspect.onnx.TensorShape;
import dev.onnxinspect.onnx.graph.ConvOptions;
import dev.onnxinspect.onnx.graph.GraphBuilder;
import dev.onnxinspect.onnx.graph.PoolOptions;
import dev.onnxinspect.trainers.arch.Activation;
import dev.onnxinspect.trainers.arch.Architecture;
import dev.onnxinspect.trainers.arch.LayerSpec;
import dev.onnxinspect.trainers.arch.Shapes;
import dev.onnxinspect.trainers.arch.WeightConstraint;
import dev.onnxinspect.trainers.model.ModelParameters;
import dev.onnxinspect.trainers.model.ParameterTensor;
import dev.onnxinspect.trainers.train.TrainingRun;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Exports an {@link Architecture} with given parameters as an instrumented ONNX model that computes what the DJL
 * block computes in inference mode (dropout = identity, batch norm on running statistics).
 *
 * <p>Graph: one float input {@value #INPUT} of shape [N, ...inputShape]; outputs {@value Architecture#LOGITS}
 * first, then every hidden activation (nonlinearity and residual block outputs) in layer order under its layer
 * name (e.g. {@code dense1/relu}, {@code dense2/relu}), and with {@link ExportOptions#includePreActivations()} the
 * dense/convolution/batch-norm outputs too. Initializers are named after the parameters
 * ({@code dense1/linear.weight}). Metadata: {@code onnx_inspect.architecture.*} (the architecture's
 * {@link Architecture#describe()}), {@code onnx_inspect.exposed_layers} (comma-separated output names),
 * {@value #IOC_WEIGHTS_KEY} for a network with IOC weights, plus the options' extra entries (the trainer's config goes there as {@code onnx_inspect.training.*}).
 */
public final class OnnxExporter {
    /** The name of the graph input. */
    public static final String INPUT = "input";

    /**
     * The metadata key that an export of a network with constrained (IOC, SPEC §11) weights carries: the value is
     * {@link IocWeightExport#name()} in lower case, so that a reader of the initializers knows whether they hold the
     * raw w ({@code in_graph}) or the transformed w' ({@code transformed_initializers}). Absent without constraints.
     */
    public static final String IOC_WEIGHTS_KEY = "onnx_inspect.ioc_weights";

    /** The suffixes of the constant initializers an {@link IocWeightExport#IN_GRAPH} export adds (not weights). */
    public static final List<String> IOC_CONSTANT_SUFFIXES = List.of("/constraint/zero", "/constraint/offset");

    private static final String PREFIX = "onnx_inspect.";

    private OnnxExporter() {}

    /** The exported model. */
    public static OnnxModel export(Architecture architecture, ModelParameters parameters, ExportOptions options) {
        return new Emitter(architecture, parameters, options).emit();
    }

    /**
     * The checkpoint after {@code epoch} of a training run, with the run's training configuration recorded as
     * {@code onnx_inspect.training.*} metadata and the epoch as {@code onnx_inspect.epoch}, besides the options' own
     * entries.
     */
    public static OnnxModel export(TrainingRun run, int epoch, ExportOptions options) {
        Map<String, String> metadata = new LinkedHashMap<>(options.metadata());
        run.config().describe().forEach((k, v) -> metadata.putIfAbsent(PREFIX + "training." + k, v));
        metadata.putIfAbsent(PREFIX + "epoch", Integer.toString(epoch));
        ExportOptions withRun = ExportOptions.builder()
                .includePreActivations(options.includePreActivations())
                .iocWeights(options.iocWeights())
                .opset(options.opset())
                .metadata(metadata)
                .build();
        return export(run.architecture(), run.parameters(epoch), withRun);
    }

    /** The serialized model (ONNX protobuf bytes). */
    public static byte[] exportBytes(Architecture architecture, ModelParameters parameters, ExportOptions options) {
        return export(architecture, parameters, options).toBytes();
    }

    /** The names of the graph outputs the export will have, logits first. */
    public static List<String> outputNames(Architecture architecture, ExportOptions options) {
        List<String> names = new ArrayList<>();
        names.add(Architecture.LOGITS);
        collectExposed(architecture.layers(), options, names);
        return List.copyOf(names);
    }

    private static void collectExposed(List<LayerSpec> layers, ExportOptions options, List<String> names) {
        for (LayerSpec layer : layers) {
            if (layer.name().equals(Architecture.LOGITS)) {
                continue;
            }
            if (layer.role() == LayerSpec.Role.ACTIVATION
                    || (options.includePreActivations() && layer.role() == LayerSpec.Role.PRE_ACTIVATION)) {
                names.add(layer.name());
            }
        }
    }

    /** The state of one export. */
    private static final class Emitter {
        private final Architecture architecture;
        private final ExportOptions options;
        private final GraphBuilder graph;
        private final ExportParameters parameters;
        private boolean constrained;

        Emitter(Architecture architecture, ModelParameters parameters, ExportOptions options) {
            this.architecture = architecture;
            this.options = options;
            this.graph = GraphBuilder.create(architecture.kind()).opset(options.opset());
            this.parameters = new ExportParameters(architecture.kind(), parameters, graph);
        }

        OnnxModel emit() {
            String x = graph.input(INPUT, TensorShape.batched("N", longs(architecture.inputShape())));
            int[] shape = architecture.inputShape();
            for (LayerSpec layer : architecture.layers()) {
                x = layer(layer, x, shape);
                shape = Shapes.outputShape(layer, shape);
            }
            parameters.requireAllUsed();
            List<String> outputs = outputNames(architecture, options);
            int[] perSample = architecture.inputShape();
            Map<String, int[]> shapes = new HashMap<>();
            collectShapes(architecture.layers(), perSample, shapes);
            for (String name : outputs) {
                graph.output(name, TensorShape.batched("N", longs(shapes.get(name))));
            }
            architecture.describe().forEach((k, v) -> graph.metadata(PREFIX + "architecture." + k, v));
            graph.metadata(PREFIX + "exposed_layers", String.join(",", outputs));
            if (constrained) {
                graph.metadata(IOC_WEIGHTS_KEY, options.iocWeights().name().toLowerCase(Locale.ROOT));
            }
            options.metadata().entrySet().stream()
                    .sorted(Map.Entry.comparingByKey())
                    .forEach(e -> graph.metadata(e.getKey(), e.getValue()));
            return graph.build();
        }

        private static void collectShapes(List<LayerSpec> layers, int[] input, Map<String, int[]> shapes) {
            int[] shape = input;
            for (LayerSpec layer : layers) {
                shape = Shapes.outputShape(layer, shape);
                shapes.put(layer.name(), shape);
            }
        }

        private String layer(LayerSpec layer, String x, int[] inShape) {
            String n = layer.name();
            if (layer instanceof LayerSpec.Dense d) {
                return dense(d, x);
            } else if (layer instanceof LayerSpec.Conv2d c) {
                String w = initializer(n + ".weight");
                String b = initializer(n + ".bias");
                return graph.conv(
                        n,
                        x,
                        w,
                        b,
                        ConvOptions.builder(c.kernel(), c.kernel())
                                .strides(c.stride(), c.stride())
                                .padding(c.padding())
                                .build());
            } else if (layer instanceof LayerSpec.BatchNorm b) {
                return graph.batchNormalization(
                        n,
                        x,
                        initializer(n + ".gamma"),
                        initializer(n + ".beta"),
                        initializer(n + ".running_mean"),
                        initializer(n + ".running_var"),
                        b.epsilon());
            } else if (layer instanceof LayerSpec.Nonlinearity a) {
                return activation(graph, a.activation(), n, x);
            } else if (layer instanceof LayerSpec.MaxPool p) {
                return graph.maxPool(
                        n,
                        x,
                        PoolOptions.builder(p.kernel(), p.kernel())
                                .strides(p.stride(), p.stride())
                                .build());
            } else if (layer instanceof LayerSpec.GlobalAvgPool) {
                return graph.flatten(n, graph.globalAveragePool(n + "/gap", x), 1);
            } else if (layer instanceof LayerSpec.Flatten) {
                return graph.flatten(n, x, 1);
            } else if (layer instanceof LayerSpec.Dropout) {
                return graph.identity(n, x);
            } else if (layer instanceof LayerSpec.Residual r) {
                String main = x;
                int[] shape = inShape;
                for (LayerSpec inner : r.body()) {
                    main = layer(inner, main, shape);
                    shape = Shapes.outputShape(inner, shape);
                }
                String skip = x;
                shape = inShape;
                for (LayerSpec inner : r.shortcut()) {
                    skip = layer(inner, skip, shape);
                    shape = Shapes.outputShape(inner, shape);
                }
                return activation(graph, r.activation(), n, graph.add(n + "/add", main, skip));
            }
            throw new IllegalStateException("unhandled layer kind " + layer);
        }

        private String dense(LayerSpec.Dense d, String x) {
            String n = d.name();
            ParameterTensor w = parameters.take(n + ".weight");
            ExportParameters.requireShape(w, d.outFeatures(), d.inFeatures());
            String b = initializer(n + ".bias");
            if (d.constraint() == WeightConstraint.NONE) {
                String wName = graph.addInitializer(w.name(), w.values(), d.outFeatures(), d.inFeatures());
                return graph.gemm(n, x, wName, b, true);
            }
            constrained = true;
            if (options.iocWeights() == IocWeightExport.TRANSFORMED_INITIALIZERS) {
                float[] effective = w.values();
                for (int i = 0; i < effective.length; i++) {
                    effective[i] = d.constraint().apply(effective[i]);
                }
                String wName = graph.addInitializer(w.name(), effective, d.outFeatures(), d.inFeatures());
                return graph.gemm(n, x, wName, b, true);
            }
            String raw = graph.addInitializer(w.name(), w.values(), d.outFeatures(), d.inFeatures());
            String zero = graph.addInitializer(n + IOC_CONSTANT_SUFFIXES.get(0), new float[] {0f});
            String offset =
                    graph.addInitializer(n + IOC_CONSTANT_SUFFIXES.get(1), new float[] {WeightConstraint.IOC_OFFSET});
            String negative = graph.less(n + "/constraint/negative", raw, zero);
            String shifted = graph.exp(n + "/constraint/exp", graph.sub(n + "/constraint/shift", raw, offset));
            String effective = graph.where(n + "/constraint/weight", negative, shifted, raw);
            return graph.gemm(n, x, effective, b, true);
        }

        private String initializer(String name) {
            return parameters.initializer(name);
        }
    }

    /** The nonlinearity {@code activation} of {@code x} as the graph tensor {@code output}. */
    static String activation(GraphBuilder graph, Activation activation, String output, String x) {
        return switch (activation) {
            case RELU -> graph.relu(output, x);
            case ELU -> graph.elu(output, x, Activation.ELU_ALPHA);
            case GELU -> graph.gelu(output, x);
            case SIGMOID -> graph.sigmoid(output, x);
            case TANH -> graph.tanh(output, x);
        };
    }

    private static long[] longs(int[] values) {
        return Arrays.stream(values).asLongStream().toArray();
    }
}
