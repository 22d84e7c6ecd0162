package dev.onnxinspect.samples.bench;

import ai.onnx.proto.OnnxMl.AttributeProto;
import ai.onnx.proto.OnnxMl.GraphProto;
import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnx.proto.OnnxMl.NodeProto;
import ai.onnx.proto.OnnxMl.TensorProto;
import ai.onnx.proto.OnnxMl.TensorShapeProto;
import ai.onnx.proto.OnnxMl.TypeProto;
import ai.onnx.proto.OnnxMl.ValueInfoProto;
import dev.onnxinspect.data.Batch;
import dev.onnxinspect.data.DataSource;
import dev.onnxinspect.data.FashionMnist;
import dev.onnxinspect.onnx.ElementType;
import dev.onnxinspect.onnx.OnnxModel;
import dev.onnxinspect.runtime.InferenceSession;
import dev.onnxinspect.runtime.LayerActivations;
import dev.onnxinspect.runtime.SessionConfig;
import dev.onnxinspect.runtime.TypedTensor;
import dev.onnxinspect.stats.ActivationFrequencies;
import dev.onnxinspect.stats.ActivationFrequencyAccumulator;
import dev.onnxinspect.stats.ClassBasis;
import dev.onnxinspect.stats.StatsOptions;
import dev.onnxinspect.trainers.arch.Architecture;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Runnable benchmark (not a test) of a route of issue 14: class-wise S1 counts computed inside the graph, {@code
 * onehot(labels)^T x (a > tau)} as a MatMul appended to the instrumented model for every hidden layer, so that only
 * K x n numbers per layer leave ONNX Runtime per batch, against today's Java path (the hidden layers as outputs,
 * counted by {@link ActivationFrequencyAccumulator}, which gives S2 beside S1). Both run on this thread, batch after
 * batch, on the same batches of the MLP of {@link BenchModel}, alternating within every repetition; each pass checks
 * that the in-graph counts equal the Java S1 counts and fails otherwise.
 *
 * <p>Arguments (all optional): {@code --model mlp --batch 256 --threads 1 --warmup 2 --reps 8 --samples 50000}.
 */
public final class InGraphCountsBenchmark {
    private static final int CLASSES = 10;
    static final String ONEHOT = "onehot_t";
    static final String COUNTS_SUFFIX = "/s1_counts";

    private InGraphCountsBenchmark() {}

    public static void main(String[] argv) {
        InspectionBenchmark.Args args = new InspectionBenchmark.Args(argv);
        BenchModel model = BenchModel.byName(args.value("model", "mlp"));
        int batch = args.integer("batch", 256);
        int threads = args.integer("threads", 1);
        int warmup = args.integer("warmup", 2);
        int reps = args.integer("reps", 8);
        long samples = args.integer("samples", 50_000);
        DataSource data = new CyclingSource(List.of(FashionMnist.test().reshaped(model.sampleShape())), samples);
        byte[] counting = withS1Counts(OnnxModel.fromBytes(model.instrumented()).proto(), model.hiddenLayers(), 0f)
                .toByteArray();
        SessionConfig config =
                SessionConfig.builder().intraOpThreads(threads).spinning(false).build();
        InspectionBenchmark.out(
                "in-graph S1 counts vs the Java path: %s, batch %d, %d ORT thread(s), %d samples per pass, load %s",
                model.name(), batch, threads, samples, InspectionBenchmark.load());
        try (InferenceSession java = InferenceSession.open(model.instrumented(), config);
                InferenceSession graph = InferenceSession.open(counting, config)) {
            for (int i = 0; i < warmup; i++) {
                compare(javaPass(java, model, data, batch), graphPass(graph, model, data, batch));
            }
            double[] j = new double[reps];
            double[] g = new double[reps];
            double[] ratio = new double[reps];
            for (int r = 0; r < reps; r++) {
                long start = System.nanoTime();
                Map<String, long[]> javaCounts = javaPass(java, model, data, batch);
                j[r] = samples / ((System.nanoTime() - start) / 1e9);
                start = System.nanoTime();
                Map<String, long[]> graphCounts = graphPass(graph, model, data, batch);
                g[r] = samples / ((System.nanoTime() - start) / 1e9);
                compare(javaCounts, graphCounts);
                ratio[r] = g[r] / j[r];
                InspectionBenchmark.out(
                        "rep %d: Java path %.0f samples/s, in-graph %.0f samples/s, in-graph / Java %.3f; load %s",
                        r + 1, j[r], g[r], ratio[r], InspectionBenchmark.load());
            }
            InspectionBenchmark.out(
                    "RESULT: Java path (S1 + S2) %s samples/s, in-graph S1 counts %s samples/s, in-graph / Java per"
                            + " rep %s, median %s; counts equal in every pass; load %s",
                    InspectionBenchmark.meanSd(j, "%.0f"),
                    InspectionBenchmark.meanSd(g, "%.0f"),
                    InspectionBenchmark.meanSd(ratio, "%.3f"),
                    InspectionBenchmark.quartiles(ratio),
                    InspectionBenchmark.load());
        }
    }

    /**
     * The model with a float input {@value #ONEHOT} [K, N] (the batch's one-hot labels, transposed) and, for every
     * given layer {@code h} ([N, n] or [N, C, H, W]), an output {@code h/s1_counts} [K, n] = onehot_t x float(a > tau)
     * (flattened per sample); the graph's other outputs are dropped but the logits.
     */
    static ModelProto withS1Counts(ModelProto proto, List<String> layers, float tau) {
        GraphProto.Builder g = proto.getGraph().toBuilder();
        List<ValueInfoProto> kept = new ArrayList<>();
        for (ValueInfoProto out : g.getOutputList()) {
            if (out.getName().equals(Architecture.LOGITS)) {
                kept.add(out);
            }
        }
        g.clearOutput().addAllOutput(kept);
        g.addInput(floatInfo(ONEHOT, List.of(CLASSES), "N"));
        g.addInitializer(TensorProto.newBuilder()
                .setName("s1_tau")
                .setDataType(TensorProto.DataType.FLOAT_VALUE)
                .addFloatData(tau));
        g.addInitializer(TensorProto.newBuilder()
                .setName("s1_flat_shape")
                .setDataType(TensorProto.DataType.INT64_VALUE)
                .addDims(2)
                .addInt64Data(0)
                .addInt64Data(-1));
        for (String h : layers) {
            g.addNode(node("Reshape", List.of(h, "s1_flat_shape"), h + "/s1_flat"));
            g.addNode(node("Greater", List.of(h + "/s1_flat", "s1_tau"), h + "/s1_gt"));
            g.addNode(node("Cast", List.of(h + "/s1_gt"), h + "/s1_float").toBuilder()
                    .addAttribute(AttributeProto.newBuilder()
                            .setName("to")
                            .setType(AttributeProto.AttributeType.INT)
                            .setI(TensorProto.DataType.FLOAT_VALUE))
                    .build());
            g.addNode(node("MatMul", List.of(ONEHOT, h + "/s1_float"), h + COUNTS_SUFFIX));
            g.addOutput(ValueInfoProto.newBuilder()
                    .setName(h + COUNTS_SUFFIX)
                    .setType(TypeProto.newBuilder()
                            .setTensorType(
                                    TypeProto.Tensor.newBuilder().setElemType(TensorProto.DataType.FLOAT_VALUE))));
        }
        return proto.toBuilder().setGraph(g).build();
    }

    private static NodeProto node(String op, List<String> inputs, String output) {
        return NodeProto.newBuilder()
                .setOpType(op)
                .setName(output)
                .addAllInput(inputs)
                .addOutput(output)
                .build();
    }

    private static ValueInfoProto floatInfo(String name, List<Integer> dims, String lastDim) {
        TensorShapeProto.Builder shape = TensorShapeProto.newBuilder();
        for (int d : dims) {
            shape.addDim(TensorShapeProto.Dimension.newBuilder().setDimValue(d));
        }
        shape.addDim(TensorShapeProto.Dimension.newBuilder().setDimParam(lastDim));
        return ValueInfoProto.newBuilder()
                .setName(name)
                .setType(TypeProto.newBuilder()
                        .setTensorType(TypeProto.Tensor.newBuilder()
                                .setElemType(TensorProto.DataType.FLOAT_VALUE)
                                .setShape(shape)))
                .build();
    }

    /** Today's path: the hidden layers as outputs, counted in Java; the S1 counts per layer, [K * n]. */
    static Map<String, long[]> javaPass(InferenceSession session, BenchModel model, DataSource data, int batch) {
        StatsOptions options = StatsOptions.builder(CLASSES, ClassBasis.LABEL).build();
        Map<String, ActivationFrequencyAccumulator> accs = new LinkedHashMap<>();
        for (Iterator<Batch> it = data.batches(batch); it.hasNext(); ) {
            Batch b = it.next();
            Map<String, LayerActivations> acts = session.run(b, model.hiddenLayers());
            for (String h : model.hiddenLayers()) {
                LayerActivations a = acts.get(h);
                accs.computeIfAbsent(h, name -> new ActivationFrequencyAccumulator(options, name, a.unitShape()))
                        .accept(b.labels(), a);
            }
        }
        Map<String, long[]> counts = new LinkedHashMap<>();
        accs.forEach((h, acc) -> {
            ActivationFrequencies f = acc.result();
            int units = f.s1Table().units();
            long[] c = new long[CLASSES * units];
            for (int k : f.s1Table().classIds()) {
                int[] row = f.s1Table().forClass(k).counts();
                for (int u = 0; u < units; u++) {
                    c[k * units + u] = row[u];
                }
            }
            counts.put(h, c);
        });
        return counts;
    }

    /** The in-graph path: the counting model fed the batch and its one-hot labels; the summed counts per layer. */
    static Map<String, long[]> graphPass(InferenceSession session, BenchModel model, DataSource data, int batch) {
        List<String> outputs = new ArrayList<>();
        for (String h : model.hiddenLayers()) {
            outputs.add(h + COUNTS_SUFFIX);
        }
        Map<String, long[]> counts = new LinkedHashMap<>();
        for (Iterator<Batch> it = data.batches(batch); it.hasNext(); ) {
            Batch b = it.next();
            int n = b.size();
            float[] onehot = new float[CLASSES * n];
            int[] labels = b.labels();
            for (int i = 0; i < n; i++) {
                onehot[labels[i] * n + i] = 1f;
            }
            long[] inputShape = new long[model.sampleShape().length + 1];
            inputShape[0] = n;
            for (int d = 0; d < model.sampleShape().length; d++) {
                inputShape[d + 1] = model.sampleShape()[d];
            }
            Map<String, TypedTensor> result = session.runTensors(
                    List.of(
                            new TypedTensor("input", ElementType.FLOAT, inputShape, b.data()),
                            new TypedTensor(ONEHOT, ElementType.FLOAT, new long[] {CLASSES, n}, onehot)),
                    outputs);
            for (String h : model.hiddenLayers()) {
                float[] c = (float[]) result.get(h + COUNTS_SUFFIX).data();
                long[] sum = counts.computeIfAbsent(h, k -> new long[c.length]);
                for (int i = 0; i < c.length; i++) {
                    sum[i] += (long) c[i];
                }
            }
        }
        return counts;
    }

    /** Fails unless both paths gave the same S1 counts for every layer. */
    static void compare(Map<String, long[]> java, Map<String, long[]> graph) {
        for (Map.Entry<String, long[]> e : java.entrySet()) {
            if (!Arrays.equals(e.getValue(), graph.get(e.getKey()))) {
                throw new IllegalStateException("the in-graph S1 counts of " + e.getKey() + " differ from Java's");
            }
        }
    }
}
