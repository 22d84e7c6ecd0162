package dev.onnxinspect.trainers.model;

import dev.onnxinspect.trainers.arch.Architecture;
import dev.onnxinspect.trainers.arch.LayerSpec;
import dev.onnxinspect.trainers.arch.TextClassifier;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Seeded initial parameters, computed in Java so that the same seed gives bit-identical initial weights on every
 * machine and engine version.
 *
 * <p>Weights: Xavier (Glorot) uniform, U(-a, a) with a = sqrt(6 / (fan_in + fan_out)), where a dense layer has
 * fan_in = in, fan_out = out and a k x k convolution fan_in = in k^2, fan_out = out k^2. Biases and batch-norm beta
 * and running mean are 0, gamma and running variance 1. Choice: the values are drawn from one
 * {@link SplittableRandom}(seed) in layer order (a residual block: body, then shortcut), weights row-major, as
 * w = (float) ((2 u - 1) a) with u = nextDouble().
 */
public final class Initialization {
    private Initialization() {}

    /** The Xavier-uniform initial parameters of {@code architecture} for {@code seed}. */
    public static ModelParameters xavierUniform(Architecture architecture, long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        List<ParameterTensor> tensors = new ArrayList<>();
        add(architecture.layers(), random, tensors);
        return new ModelParameters(tensors);
    }

    /**
     * The Xavier-uniform initial parameters of a text classifier for {@code seed}. Choice: the embedding table
     * [V, d] is drawn first, as a dense layer with fan_in = V and fan_out = d would be; then the token layers and
     * the head as above, from the same generator.
     */
    public static ModelParameters xavierUniform(TextClassifier architecture, long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        List<ParameterTensor> tensors = new ArrayList<>();
        int v = architecture.vocabSize();
        int d = architecture.embeddingDim();
        tensors.add(new ParameterTensor(
                TextClassifier.EMBEDDING + ".weight",
                new int[] {v, d},
                uniform(random, Math.multiplyExact(v, d), xavierBound(v, d)),
                true));
        add(architecture.tokenLayers(), random, tensors);
        add(architecture.headLayers(), random, tensors);
        return new ModelParameters(tensors);
    }

    /** a = sqrt(6 / (fanIn + fanOut)), the Xavier-uniform bound. */
    public static double xavierBound(long fanIn, long fanOut) {
        return Math.sqrt(6.0 / (fanIn + fanOut));
    }

    private static void add(List<LayerSpec> layers, SplittableRandom random, List<ParameterTensor> out) {
        for (LayerSpec spec : layers) {
            String n = spec.name();
            if (spec instanceof LayerSpec.Dense d) {
                int[] shape = {d.outFeatures(), d.inFeatures()};
                out.add(new ParameterTensor(
                        n + ".weight",
                        shape,
                        uniform(random, shape[0] * shape[1], xavierBound(d.inFeatures(), d.outFeatures())),
                        true));
                out.add(new ParameterTensor(
                        n + ".bias", new int[] {d.outFeatures()}, new float[d.outFeatures()], true));
            } else if (spec instanceof LayerSpec.Conv2d c) {
                int k2 = c.kernel() * c.kernel();
                int[] shape = {c.outChannels(), c.inChannels(), c.kernel(), c.kernel()};
                double bound = xavierBound((long) c.inChannels() * k2, (long) c.outChannels() * k2);
                out.add(new ParameterTensor(
                        n + ".weight", shape, uniform(random, c.outChannels() * c.inChannels() * k2, bound), true));
                out.add(new ParameterTensor(
                        n + ".bias", new int[] {c.outChannels()}, new float[c.outChannels()], true));
            } else if (spec instanceof LayerSpec.BatchNorm b) {
                int[] shape = {b.channels()};
                out.add(new ParameterTensor(n + ".gamma", shape, filled(b.channels(), 1f), true));
                out.add(new ParameterTensor(n + ".beta", shape, new float[b.channels()], true));
                out.add(new ParameterTensor(n + ".running_mean", shape, new float[b.channels()], false));
                out.add(new ParameterTensor(n + ".running_var", shape, filled(b.channels(), 1f), false));
            } else if (spec instanceof LayerSpec.Residual r) {
                add(r.body(), random, out);
                add(r.shortcut(), random, out);
            }
        }
    }

    private static float[] uniform(SplittableRandom random, int n, double bound) {
        float[] values = new float[n];
        for (int i = 0; i < n; i++) {
            values[i] = (float) ((2.0 * random.nextDouble() - 1.0) * bound);
        }
        return values;
    }

    private static float[] filled(int n, float value) {
        float[] values = new float[n];
        java.util.Arrays.fill(values, value);
        return values;
    }
}
