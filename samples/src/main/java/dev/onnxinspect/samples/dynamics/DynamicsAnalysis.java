package dev.onnxinspect.samples.dynamics;

import dev.onnxinspect.data.Batch;
import dev.onnxinspect.data.InMemoryDataset;
import dev.onnxinspect.dynamics.DynamicsException;
import dev.onnxinspect.dynamics.PathOverlapAccumulator;
import dev.onnxinspect.dynamics.PathOverlapResult;
import dev.onnxinspect.dynamics.PathOverlapSink;
import dev.onnxinspect.dynamics.PathSimilarityAccumulator;
import dev.onnxinspect.dynamics.PathSimilarityResult;
import dev.onnxinspect.dynamics.PathSimilaritySink;
import dev.onnxinspect.dynamics.WeightNormAccumulator;
import dev.onnxinspect.dynamics.WeightTrajectory;
import dev.onnxinspect.onnx.OnnxModel;
import dev.onnxinspect.runtime.InferenceSession;
import dev.onnxinspect.runtime.LayerActivations;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs SPEC §9 and §10 over a {@link CheckpointSeries} and a fixed probe set: each checkpoint is opened in ONNX
 * Runtime, the whole probe set is run through it in batches, every analysed layer's activations go into that layer's
 * {@link PathSimilarityAccumulator} (rows streamed to the given {@link PathSimilaritySink}, e.g. a
 * {@link PathSimilarityTableSink}) and, when anchors are set, its {@link PathOverlapAccumulator}; the checkpoint's
 * weights ({@link CheckpointSeries#weights(int)}, the raw theta of SPEC §10) go into a
 * {@link WeightNormAccumulator} (per layer and in total; checkpoint 0 of the series is theta_0).
 *
 * <p>Memory: one checkpoint is loaded at a time and its session closed before the next is opened; the accumulators
 * hold checkpoint t-1's activations and patterns, so at most two checkpoints' probe activations are in memory
 * (samples x units floats per layer each), plus theta_0's weights. The probe set is read once per checkpoint.
 *
 * <p>Choice: the probe samples are run in the probe set's order, so probe sample i is row i of the dataset; the probe
 * set's sample shape must be the model input's (reshape it first, e.g. {@code reshaped(1, 28, 28)} for a CNN).
 */
public final class DynamicsAnalysis {
    private static final Logger LOG = LoggerFactory.getLogger(DynamicsAnalysis.class);
    private static final String LOGITS = "logits";

    private DynamicsAnalysis() {}

    /**
     * Analyses every checkpoint of {@code series} in step order.
     *
     * @param probe the fixed probe set (labels are not used)
     * @param sink  receives every {@code path_similarity} row as it is computed; {@link PathSimilaritySink#NONE}
     *              for none
     * @throws DynamicsException when the probe set is empty, a chosen layer is not a model output, or the
     *                           checkpoints disagree (probe size, units, weight names)
     */
    public static DynamicsResult run(
            CheckpointSeries series, InMemoryDataset probe, DynamicsOptions options, PathSimilaritySink sink) {
        if (series == null || probe == null || options == null || sink == null) {
            throw new DynamicsException(
                    "series, probe, options and sink must be given (PathSimilaritySink.NONE for" + " no rows)");
        }
        if (probe.size() == 0) {
            throw new DynamicsException("the probe set " + probe.name() + " is empty; give at least one sample");
        }
        List<String> layers = null;
        Map<String, PathSimilarityAccumulator> paths = new LinkedHashMap<>();
        Map<String, PathOverlapAccumulator> overlaps = new LinkedHashMap<>();
        WeightNormAccumulator weights = null;
        var infos = new ArrayList<DynamicsResult.CheckpointInfo>();
        for (int index = 0; index < series.size(); index++) {
            Checkpoint checkpoint = series.load(index);
            int step = checkpoint.step();
            infos.add(new DynamicsResult.CheckpointInfo(step, checkpoint.fileName(), checkpoint.sha256()));
            Map<String, LayerActivations> activations;
            try (InferenceSession session = InferenceSession.open(checkpoint.model(), options.session())) {
                if (layers == null) {
                    layers = chooseLayers(session.outputNames(), options.layers(), checkpoint);
                    for (String layer : layers) {
                        paths.put(layer, new PathSimilarityAccumulator(layer, options.pathOptions(), sink));
                        if (!options.pathOptions().anchors().isEmpty()) {
                            overlaps.put(
                                    layer,
                                    new PathOverlapAccumulator(
                                            layer, inputs(probe), options.pathOptions(), PathOverlapSink.NONE));
                        }
                    }
                }
                activations = runProbe(session, probe, layers, options.batchSize(), checkpoint);
            }
            for (String layer : layers) {
                LayerActivations a = activations.get(layer);
                paths.get(layer).accept(step, a);
                PathOverlapAccumulator overlap = overlaps.get(layer);
                if (overlap != null) {
                    overlap.accept(step, a);
                }
            }
            Map<String, float[]> theta = series.weights(index, checkpoint);
            if (weights == null) {
                weights = new WeightNormAccumulator(theta);
            }
            weights.accept(step, theta);
            LOG.info(
                    "checkpoint {} ({}): {} layers, {} probe samples",
                    step,
                    checkpoint.fileName(),
                    layers.size(),
                    probe.size());
        }
        List<PathSimilarityResult> pathResults =
                paths.values().stream().map(PathSimilarityAccumulator::result).toList();
        List<PathOverlapResult> overlapResults =
                overlaps.values().stream().map(PathOverlapAccumulator::result).toList();
        return new DynamicsResult(layers, infos, pathResults, overlapResults, weights.result());
    }

    /**
     * The layers {@link #run} will analyse for these options: the requested ones, or every graph output of the first
     * checkpoint except {@code logits} (read from the model, without ONNX Runtime). Use it to open the
     * {@code path_similarity} writer, whose layer dictionary is fixed up front.
     */
    public static List<String> layers(CheckpointSeries series, DynamicsOptions options) {
        Checkpoint first = series.load(0);
        List<String> outputs;
        try {
            outputs = OnnxModel.fromBytes(first.model()).proto().getGraph().getOutputList().stream()
                    .map(output -> output.getName())
                    .toList();
        } catch (RuntimeException e) {
            throw new DynamicsException(
                    "checkpoint " + first.fileName() + " is not a readable ONNX model: " + e.getMessage(), e);
        }
        return chooseLayers(outputs, options.layers(), first);
    }

    /**
     * The weight norms of every checkpoint (SPEC §10) without running any probe: checkpoint 0 of the series is
     * theta_0. Holds one checkpoint's weights besides theta_0.
     */
    public static WeightTrajectory weights(CheckpointSeries series) {
        WeightNormAccumulator weights = null;
        for (int index = 0; index < series.size(); index++) {
            Map<String, float[]> theta = series.weights(index);
            if (weights == null) {
                weights = new WeightNormAccumulator(theta);
            }
            weights.accept(series.steps().get(index), theta);
        }
        return weights.result();
    }

    private static List<String> chooseLayers(List<String> outputs, List<String> requested, Checkpoint checkpoint) {
        if (requested.isEmpty()) {
            List<String> hidden =
                    outputs.stream().filter(o -> !o.equals(LOGITS)).toList();
            if (hidden.isEmpty()) {
                throw new DynamicsException("checkpoint " + checkpoint.fileName() + " exposes no hidden layer (outputs "
                        + outputs + "); export it instrumented (every hidden activation an output) or name the"
                        + " layers to follow");
            }
            return hidden;
        }
        for (String layer : requested) {
            if (!outputs.contains(layer)) {
                throw new DynamicsException("layer '" + layer + "' is not an output of checkpoint "
                        + checkpoint.fileName() + "; expected one of " + outputs);
            }
        }
        return requested;
    }

    private static float[][] inputs(InMemoryDataset probe) {
        float[][] x = new float[(int) probe.size()][];
        for (int i = 0; i < x.length; i++) {
            x[i] = probe.sample(i);
        }
        return x;
    }

    /** The whole probe set's activations per layer, rows in probe order. */
    private static Map<String, LayerActivations> runProbe(
            InferenceSession session,
            InMemoryDataset probe,
            List<String> layers,
            int batchSize,
            Checkpoint checkpoint) {
        int n = (int) probe.size();
        Map<String, float[]> values = new LinkedHashMap<>();
        Map<String, int[]> shapes = new LinkedHashMap<>();
        int done = 0;
        for (Iterator<Batch> it = probe.batches(batchSize); it.hasNext(); ) {
            Batch batch = it.next();
            Map<String, LayerActivations> out = session.run(batch, layers);
            for (String layer : layers) {
                LayerActivations a = out.get(layer);
                float[] all = values.computeIfAbsent(layer, k -> new float[n * a.units()]);
                shapes.putIfAbsent(layer, a.unitShape());
                if (all.length != n * a.units()) {
                    throw new DynamicsException("checkpoint " + checkpoint.fileName() + ", layer " + layer + ": "
                            + a.units() + " units in one batch but " + all.length / n + " in an earlier one;"
                            + " the layer must have a fixed size");
                }
                System.arraycopy(a.values(), 0, all, done * a.units(), a.samples() * a.units());
            }
            done += batch.size();
        }
        Map<String, LayerActivations> result = new LinkedHashMap<>();
        for (String layer : layers) {
            result.put(layer, new LayerActivations(layer, values.get(layer), n, shapes.get(layer)));
        }
        return result;
    }
}
