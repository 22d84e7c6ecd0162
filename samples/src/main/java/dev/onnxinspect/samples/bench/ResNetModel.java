package dev.onnxinspect.samples.bench;

import dev.onnxinspect.onnx.Dim;
import dev.onnxinspect.onnx.OnnxModel;
import dev.onnxinspect.onnx.TensorShape;
import dev.onnxinspect.onnx.graph.ConvOptions;
import dev.onnxinspect.onnx.graph.GraphBuilder;
import dev.onnxinspect.onnx.graph.PoolOptions;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;

/**
 * A ResNet-50-shaped image classifier with random weights, built with onnx-io's {@link GraphBuilder}: the layout
 * of He et al. (2016) as torchvision builds it (v1.5, the stride on the 3x3 convolution): a 7x7/2 stem convolution,
 * batch normalisation, ReLU and a 3x3/2 max pool; four stages of bottleneck blocks (1x1, 3x3, 1x1 convolutions with
 * batch normalisation, a 1x1 projection on the first block of a stage, ReLU after the residual addition), {@code
 * [3, 4, 6, 3]} blocks of widths 64, 128, 256, 512 (x4 at the block output); global average pooling, Flatten and a
 * {@code Gemm} head of K classes. Input {@code input} {@code [N, 3, S, S]}, output {@code logits} {@code [N, K]}.
 * <p>Weights: He-normal convolutions (standard deviation sqrt(2 / fan-in)) from a seeded generator; batch
 * normalisation in inference form with mean 0, variance 1, bias 0, scale 1, except the last one of each block,
 * scale 0.2 (so that the residual sums stay of order 1 without training); the head N(0, 1 / 2048). The graph
 * declares the shapes of the input and the logits only, like many exported models: other tensors' shapes are left
 * to the runtime.
 * <p>The reduced variants ({@link #width} below 64, {@link #resolution} below 224) keep the layout and are what the
 * tests build; {@link #resnet50(int)} is the real size (25.6 M parameters for K = 1000).
 *
 * @param width      the stem's channels (64 for ResNet-50); the stages have width, 2 width, 4 width, 8 width
 * @param resolution S, the input's height and width (224 for ImageNet); a multiple of 32
 * @param classes    K
 * @param blocks     the bottleneck blocks per stage ({3, 4, 6, 3} for ResNet-50)
 * @param seed       the weights' seed
 */
public record ResNetModel(int width, int resolution, int classes, int[] blocks, long seed) {
    /** The blocks per stage of ResNet-50. */
    private static final int[] RESNET50_BLOCKS = {3, 4, 6, 3};

    /** The blocks per stage of ResNet-50 (a new array each call). */
    public static int[] resnet50Blocks() {
        return RESNET50_BLOCKS.clone();
    }
    /** The bottleneck expansion: a block's output has 4 times its inner width. */
    public static final int EXPANSION = 4;

    public static final String INPUT = "input";
    public static final String LOGITS = "logits";
    /** The penultimate features: the flattened global average pool, the head's input. */
    public static final String FEATURES = "head/flatten";

    public ResNetModel {
        if (width < 1 || resolution < 32 || resolution % 32 != 0 || classes < 2 || blocks.length != 4) {
            throw new IllegalArgumentException("a ResNet needs width >= 1, a resolution that is a multiple of 32,"
                    + " K >= 2 and four stages; got width " + width + ", resolution " + resolution + ", K " + classes
                    + ", " + blocks.length + " stages");
        }
        blocks = blocks.clone();
    }

    /** ResNet-50 at 224 x 224 with K classes. */
    public static ResNetModel resnet50(int classes) {
        return new ResNetModel(64, 224, classes, RESNET50_BLOCKS, 1);
    }

    @Override
    public int[] blocks() {
        return blocks.clone();
    }

    /** The shape of one input sample, {@code [3, S, S]}. */
    public int[] sampleShape() {
        return new int[] {3, resolution, resolution};
    }

    /** The output channels of the last block: 8 x 4 x width (2048 for ResNet-50). */
    public int featureWidth() {
        return 8 * width * EXPANSION;
    }

    /** The names of every ReLU output, in graph order (49 for ResNet-50). */
    public List<String> reluLayers() {
        List<String> relus = new ArrayList<>(List.of("stem/relu"));
        for (int s = 0; s < 4; s++) {
            for (int b = 0; b < blocks[s]; b++) {
                String block = blockName(s, b);
                relus.addAll(List.of(block + "/relu1", block + "/relu2", block + "/relu"));
            }
        }
        return relus;
    }

    /**
     * The unit shape {@code [C, H, W]} of a ReLU output of {@link #reluLayers()}, from the layout: the stem's is
     * {@code [width, S/2, S/2]}; in stage s (0-based) the block outputs have {@code 4 * width * 2^s} channels at
     * {@code S / 2^(s+2)}, the inner ReLUs {@code width * 2^s} channels, at the stage's input size before the
     * strided 3x3 convolution of the first block of stages 1-3.
     */
    public int[] unitShape(String relu) {
        if (relu.equals("stem/relu")) {
            return new int[] {width, resolution / 2, resolution / 2};
        }
        String[] parts = relu.split("/");
        int stage = parts[0].charAt(5) - '1';
        int block = Integer.parseInt(parts[1].substring(5)) - 1;
        int inner = width << stage;
        int size = resolution >> (stage + 2);
        if (parts[2].equals("relu")) {
            return new int[] {inner * EXPANSION, size, size};
        }
        boolean beforeStride = parts[2].equals("relu1") && block == 0 && stage > 0;
        return new int[] {inner, beforeStride ? size * 2 : size, beforeStride ? size * 2 : size};
    }

    private static String blockName(int stage, int block) {
        return "stage" + (stage + 1) + "/block" + (block + 1);
    }

    /** Builds the model (a few seconds and ~100 MB of weights at full size). */
    public OnnxModel build() {
        Weights w = new Weights(new SplittableRandom(seed));
        GraphBuilder g = GraphBuilder.create("resnet");
        String x = g.input(INPUT, TensorShape.of(Dim.symbolic("N"), Dim.of(3), Dim.of(resolution), Dim.of(resolution)));
        x = convBn(g, w, "stem", x, 3, width, 7, 2, 1f);
        x = g.relu("stem/relu", x);
        x = g.maxPool(
                "stem/pool",
                x,
                PoolOptions.builder(3, 3).strides(2, 2).pads(1, 1, 1, 1).build());
        int channels = width;
        for (int s = 0; s < 4; s++) {
            int inner = width << s;
            for (int b = 0; b < blocks[s]; b++) {
                int stride = b == 0 && s > 0 ? 2 : 1;
                x = bottleneck(g, w, blockName(s, b), x, channels, inner, stride);
                channels = inner * EXPANSION;
            }
        }
        String pooled = g.globalAveragePool("head/pool", x);
        String features = g.flatten(FEATURES, pooled, 1);
        float[] head = new float[classes * channels];
        double sd = Math.sqrt(1.0 / channels);
        for (int i = 0; i < head.length; i++) {
            head[i] = (float) (w.random.nextGaussian() * sd);
        }
        g.gemm(
                LOGITS,
                features,
                g.addInitializer("head/weight", head, classes, channels),
                g.addInitializer("head/bias", new float[classes], classes),
                true);
        g.output(LOGITS, TensorShape.of(Dim.symbolic("N"), Dim.of(classes)));
        return g.build();
    }

    private static String bottleneck(GraphBuilder g, Weights w, String name, String x, int in, int inner, int stride) {
        String y = g.relu(name + "/relu1", convBn(g, w, name + "/conv1", x, in, inner, 1, 1, 1f));
        y = g.relu(name + "/relu2", convBn(g, w, name + "/conv2", y, inner, inner, 3, stride, 1f));
        y = convBn(g, w, name + "/conv3", y, inner, inner * EXPANSION, 1, 1, 0.2f);
        String shortcut = x;
        if (stride != 1 || in != inner * EXPANSION) {
            shortcut = convBn(g, w, name + "/downsample", x, in, inner * EXPANSION, 1, stride, 1f);
        }
        return g.relu(name + "/relu", g.add(name + "/add", y, shortcut));
    }

    /** A bias-free k x k convolution (padding k / 2) followed by inference-mode batch normalisation. */
    private static String convBn(
            GraphBuilder g, Weights w, String name, String x, int in, int out, int k, int stride, float scale) {
        String conv = g.conv(
                name,
                x,
                g.addInitializer(name + "/weight", w.he(out, in, k), out, in, k, k),
                ConvOptions.builder(k, k).strides(stride, stride).padding(k / 2).build());
        float[] gamma = new float[out];
        float[] ones = new float[out];
        Arrays.fill(gamma, scale);
        Arrays.fill(ones, 1f);
        return g.batchNormalization(
                name + "/bn",
                conv,
                g.addInitializer(name + "/bn/scale", gamma, out),
                g.addInitializer(name + "/bn/bias", new float[out], out),
                g.addInitializer(name + "/bn/mean", new float[out], out),
                g.addInitializer(name + "/bn/var", ones, out),
                1e-5f);
    }

    /** The seeded generator of the weights. */
    private static final class Weights {
        private final SplittableRandom random;

        Weights(SplittableRandom random) {
            this.random = random;
        }

        float[] he(int out, int in, int k) {
            float[] w = new float[out * in * k * k];
            double sd = Math.sqrt(2.0 / (in * k * k));
            for (int i = 0; i < w.length; i++) {
                w[i] = (float) (random.nextGaussian() * sd);
            }
            return w;
        }
    }
}
