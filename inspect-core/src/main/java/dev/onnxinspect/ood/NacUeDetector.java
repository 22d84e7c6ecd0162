package dev.onnxinspect.ood;

import dev.onnxinspect.OnnxInspectException.Kind;
import dev.onnxinspect.onnx.DenseLayer;
import dev.onnxinspect.onnx.GraphQueryException;
import dev.onnxinspect.onnx.NodeInfo;
import dev.onnxinspect.onnx.OnnxModel;
import dev.onnxinspect.runtime.LayerActivations;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * NAC-UE (Liu et al. 2024, SPEC §5b) on dense ReLU layers: per layer of n units,
 * {@code -(sum_j min(C[b_j(x), j], O)) / (O * n)}, where the state of unit j is {@code s_j = sigmoid(alpha_nac * a_j *
 * g_j)} (float64), b_j(x) the {@link NacHistogram} interval holding it, C the fit counts per interval and unit, and
 * O = ceil(0.05 N) for N fit samples. The sum is an integer divided once, so equally covered samples tie exactly;
 * with several layers the score is the mean of the per-layer scores. Higher = more OOD.
 *
 * <p>The gradient is analytic (SPEC §5b), of L = -(1/K) sum_c ln p_c with p = softmax(z): for the features h read by
 * the dense head W, {@code g_0 = W^T (p - 1/K)}; for an earlier layer a_i whose successor is
 * {@code a_{i-1} = relu(W_i a_i + b_i)}, {@code g_i = W_i^T (g_{i-1} * 1[a_{i-1} > 0])}, the mask read from the
 * activations the model gave. The layers are h (always; the features of {@link DetectorInput}) and, deeper, the
 * inputs of the dense layers of the chain (activations of the named layers in {@link DetectorInput#layer}).
 *
 * <p>Choice: h may be any tensor the dense head reads (its gradient goes through the head alone); every deeper
 * layer must be reached through Relu(dense) ({@link #denseReluChain}): a convolution on the way is refused, as its
 * gradient is not analytic here (SPEC §5b). Memory: K x n_0 and n_{i-1} x n_i weights in float64 and, per layer,
 * (M - 1) x n counts (longs).
 */
public final class NacUeDetector implements PersistentDetector {
    static final String TYPE = "nac_ue";
    /** SPEC §5b default M (edges; M - 1 intervals). */
    public static final int DEFAULT_M = 50;
    /** SPEC §5b default alpha_nac of the state sigmoid. */
    public static final double DEFAULT_ALPHA = 100;

    private final int intervalsM;
    private final double alpha;
    private final DenseWeights head;
    private final List<DenseWeights> chain;
    private final NacHistogram histogram;
    private final long fitSamples;
    /** O = ceil(0.05 N). */
    private final long cap;
    /** Per layer, the fit counts of unit j in interval b at [j * (M - 1) + b]. */
    private final long[][] counts;

    private NacUeDetector(
            int intervalsM,
            double alpha,
            DenseWeights head,
            List<DenseWeights> chain,
            long fitSamples,
            long[][] counts) {
        this.intervalsM = intervalsM;
        this.alpha = alpha;
        this.head = head;
        this.chain = List.copyOf(chain);
        this.histogram = new NacHistogram(intervalsM);
        this.fitSamples = fitSamples;
        this.cap = (fitSamples + 19) / 20;
        this.counts = counts;
        if (fitSamples < 1 || counts.length != chain.size() + 1) {
            throw new OodException("a NAC-UE detector needs fit samples and one count table per layer, got "
                    + fitSamples + " samples and " + counts.length + " tables for " + (chain.size() + 1) + " layers;"
                    + " the saved file is damaged: fit and save again");
        }
        for (int l = 0; l < counts.length; l++) {
            if (counts[l].length != (long) width(l) * histogram.intervals()) {
                throw new OodException("NAC-UE layer " + layerName(l) + " has " + width(l) + " units but "
                        + counts[l].length + " counts (expected " + width(l) * histogram.intervals() + "); the saved"
                        + " file is damaged: fit and save again");
            }
        }
    }

    /** A fit accumulator on the head's features only (the SPEC §5b default layer), M = 50, alpha_nac = 100. */
    public static Accumulator accumulator(DenseLayer head) {
        return accumulator(head, List.of(), DEFAULT_M, DEFAULT_ALPHA);
    }

    /**
     * A fit accumulator on the head's features h and the deeper layers reached through {@code chain}: the dense
     * layers whose ReLU gives h (first), then the layer before it, and so on (see {@link #denseReluChain}).
     *
     * @param head       the dense head W, b reading h (K rows; a one-logit head expanded by
     *                   {@link DetectorLayout#twoClassHead})
     * @param chain      dense layers D_1, D_2, ... with h = relu(D_1 a_1), a_1 = relu(D_2 a_2), ...; may be empty
     * @param intervalsM the number of histogram edges M (even, at least 4)
     * @param alpha      alpha_nac of the state sigmoid (finite, > 0)
     */
    public static Accumulator accumulator(DenseLayer head, List<DenseLayer> chain, int intervalsM, double alpha) {
        Objects.requireNonNull(head, "head");
        new NacHistogram(intervalsM);
        if (!(alpha > 0) || Double.isInfinite(alpha)) {
            throw new OodException("nac_ue needs a finite alpha_nac > 0, got " + alpha);
        }
        int width = head.inFeatures();
        String reads = head.inputName();
        for (DenseLayer d : chain) {
            if (d.outFeatures() != width) {
                throw new OodException("nac_ue: dense layer " + d.outputName() + " has " + d.outFeatures()
                        + " outputs but the layer after it (" + reads + ") has " + width + " units; give the chain"
                        + " from the head backwards (NacUeDetector.denseReluChain finds it)");
            }
            width = d.inFeatures();
            reads = d.inputName();
        }
        List<DenseWeights> weights = chain.stream().map(DenseWeights::new).toList();
        return new Accumulator(intervalsM, alpha, new DenseWeights(head), weights);
    }

    /**
     * The dense ReLU layers behind the head's features, {@code depth} of them: D_1 with h = Relu(D_1 a_1), then D_2
     * with a_1 = Relu(D_2 a_2), and so on, each a Gemm or MatMul (+ Add) found by onnx-io ({@link
     * OnnxModel#denseLayer(String)}); the layers NAC-UE then reads are h, a_1, ..., a_depth, and each of them must be
     * a dense ReLU layer (the deepest one too: Relu of a dense layer). Depth 0 gives no layer and checks nothing.
     *
     * @throws OodException ({@link Kind#UNSUPPORTED}) naming the tensor, when one of these layers is the ReLU of a
     *                      convolution, and ({@link Kind#INVALID_INPUT}) when it is not Relu of a dense layer
     */
    public static List<DenseLayer> denseReluChain(OnnxModel model, DenseLayer head, int depth) {
        if (depth < 0) {
            throw new OodException("the NAC-UE depth (layers behind the features) must be >= 0, got " + depth);
        }
        List<DenseLayer> chain = new ArrayList<>();
        String tensor = head.inputName();
        List<NodeInfo> nodes = model.describe().nodes();
        for (int i = 0; i <= depth && depth > 0; i++) {
            DenseLayer d = denseBeforeRelu(nodes, model, tensor, depth);
            if (i < depth) {
                chain.add(d);
                tensor = d.inputName();
            }
        }
        return List.copyOf(chain);
    }

    /** The dense layer whose ReLU is {@code tensor}, or a one-line refusal saying what computes it instead. */
    private static DenseLayer denseBeforeRelu(List<NodeInfo> nodes, OnnxModel model, String tensor, int depth) {
        String fix = "; choose a NAC-UE depth below " + depth;
        NodeInfo relu = producer(nodes, tensor);
        if (relu == null || !relu.opType().equals("Relu")) {
            throw new OodException("nac_ue reads dense ReLU layers only: " + tensor + " is computed by "
                    + (relu == null ? "no node (a graph input)" : "a " + relu.opType() + " node") + ", not by a Relu"
                    + fix);
        }
        String pre = relu.inputs().get(0);
        NodeInfo linear = producer(nodes, pre);
        if (linear != null && (linear.opType().equals("Conv") || linear.opType().equals("ConvTranspose"))) {
            throw new OodException(
                    Kind.UNSUPPORTED,
                    "nac_ue supports dense ReLU layers only: " + tensor + " is the ReLU of the " + linear.opType()
                            + " output " + pre + ", and the gradient of a convolution layer is not analytic here"
                            + " (SPEC §5b)" + fix);
        }
        try {
            return model.denseLayer(pre);
        } catch (GraphQueryException e) {
            throw new OodException("nac_ue reads dense ReLU layers only: " + tensor + " is the ReLU of " + pre
                    + ", which is not a dense layer (" + e.getMessage() + ")" + fix);
        }
    }

    private static NodeInfo producer(List<NodeInfo> nodes, String tensor) {
        for (NodeInfo n : nodes) {
            if (n.outputs().contains(tensor)) {
                return n;
            }
        }
        return null;
    }

    /** M, the number of histogram edges. */
    public int intervalsM() {
        return intervalsM;
    }

    public double alpha() {
        return alpha;
    }

    /** N, the fit samples counted. */
    public long fitSamples() {
        return fitSamples;
    }

    /** O = ceil(0.05 N), the count at which an interval counts as covered. */
    public long coverageCap() {
        return cap;
    }

    /** The layers scored: h (the head's input), then the inputs of the chain's dense layers. */
    public List<String> layers() {
        List<String> names = new ArrayList<>();
        for (int l = 0; l <= chain.size(); l++) {
            names.add(layerName(l));
        }
        return names;
    }

    private String layerName(int l) {
        return l == 0 ? head.layer().inputName() : chain.get(l - 1).layer().inputName();
    }

    private int width(int l) {
        return l == 0 ? head.in() : chain.get(l - 1).in();
    }

    @Override
    public String name() {
        return "nac_ue";
    }

    @Override
    public Set<DetectorInputKind> requiredInputs() {
        Set<DetectorInputKind> kinds = EnumSet.of(DetectorInputKind.LOGITS, DetectorInputKind.FEATURES);
        if (!chain.isEmpty()) {
            kinds.add(DetectorInputKind.LAYER_ACTIVATIONS);
        }
        return kinds;
    }

    @Override
    public boolean usesDenseWeights() {
        return true;
    }

    @Override
    public double[] score(DetectorInput input) {
        States states = new States(input, "nac_ue");
        double[] scores = new double[input.samples()];
        for (int i = 0; i < scores.length; i++) {
            int[][] bins = states.bins(i);
            double sum = 0;
            for (int l = 0; l < bins.length; l++) {
                long covered = 0;
                int intervals = histogram.intervals();
                for (int j = 0; j < bins[l].length; j++) {
                    covered += Math.min(counts[l][j * intervals + bins[l][j]], cap);
                }
                sum += -(double) covered / (double) (cap * bins[l].length);
            }
            scores[i] = (bins.length == 1 ? sum : sum / bins.length) + 0.0; // + 0.0 turns -0.0 into 0.0
        }
        return scores;
    }

    /**
     * The interval of every unit's state of every layer of one sample (package-private, for tests): {@code [layer]
     * [unit]}.
     */
    int[][] intervals(DetectorInput input, int sample) {
        return new States(input, "nac_ue").bins(Objects.checkIndex(sample, input.samples()));
    }

    /** The histogram edges (a copy). */
    double[] edges() {
        return histogram.edges();
    }

    /** The fit counts of one layer, [unit * (M - 1) + interval] (a copy). */
    long[] counts(int layer) {
        return counts[layer].clone();
    }

    @Override
    public String typeId() {
        return TYPE;
    }

    @Override
    public void writeState(DataOutputStream out) throws IOException {
        out.writeInt(intervalsM);
        out.writeDouble(alpha);
        head.write(out);
        out.writeInt(chain.size());
        for (DenseWeights d : chain) {
            d.write(out);
        }
        out.writeLong(fitSamples);
        for (long[] c : counts) {
            StateIo.writeLongs(out, c);
        }
    }

    static NacUeDetector read(DataInputStream in) throws IOException {
        int intervalsM = in.readInt();
        double alpha = in.readDouble();
        DenseWeights head = DenseWeights.read(in);
        int layers = in.readInt();
        if (layers < 0 || layers > 1 << 16) {
            throw new OodException("a saved nac_ue detector has " + layers + " chain layers; the file is damaged: fit"
                    + " and save again");
        }
        List<DenseWeights> chain = new ArrayList<>();
        for (int l = 0; l < layers; l++) {
            chain.add(DenseWeights.read(in));
        }
        long fitSamples = in.readLong();
        long[][] counts = new long[layers + 1][];
        for (int l = 0; l <= layers; l++) {
            counts[l] = StateIo.readLongs(in);
        }
        return new NacUeDetector(intervalsM, alpha, head, chain, fitSamples, counts);
    }

    /** The states of one input's samples, computed sample by sample with scratch arrays (one per call). */
    private final class States {
        private final DetectorInput input;
        private final double[] p;
        private final double[][] grads;
        private final float[][] rows;
        private final LayerActivations[] layers;

        States(DetectorInput input, String who) {
            input.require(DetectorInputKind.LOGITS, who);
            head.checkInput(input, who);
            this.input = input;
            this.p = new double[head.out()];
            this.grads = new double[chain.size() + 1][];
            this.rows = new float[chain.size() + 1][];
            this.layers = new LayerActivations[chain.size() + 1];
            for (int l = 0; l <= chain.size(); l++) {
                grads[l] = new double[width(l)];
                rows[l] = new float[width(l)];
                if (l > 0) {
                    layers[l] = input.layer(layerName(l));
                    if (layers[l].units() != width(l)) {
                        throw new OodException(who + ": layer " + layerName(l) + " has " + layers[l].units()
                                + " units per sample but the dense layer "
                                + chain.get(l - 1).layer().outputName()
                                + " reads " + width(l) + "; pass that layer's activations");
                    }
                }
            }
        }

        int[][] bins(int i) {
            int k = head.out();
            LogitMath.softmax(input.logitArray(), i * k, k, 1, p);
            int d = head.in();
            System.arraycopy(input.featureArray(), i * d, rows[0], 0, d);
            double[] g = grads[0];
            Arrays.fill(g, 0);
            for (int c = 0; c < k; c++) {
                double v = p[c] - 1.0 / k;
                for (int j = 0; j < d; j++) {
                    g[j] += head.weight(c, j) * v;
                }
            }
            int[][] out = new int[chain.size() + 1][];
            for (int l = 0; l <= chain.size(); l++) {
                if (l > 0) {
                    layers[l].readRow(i, rows[l]);
                    backward(chain.get(l - 1), rows[l - 1], grads[l - 1], grads[l]);
                }
                out[l] = new int[width(l)];
                for (int j = 0; j < out[l].length; j++) {
                    double x = alpha * rows[l][j] * grads[l][j];
                    out[l][j] = histogram.interval(1 / (1 + Math.exp(-x)));
                }
            }
            return out;
        }
    }

    /** g_in = W^T (g_out * 1[a_out > 0]) for a_out = relu(W a_in + b) (SPEC §5b). */
    private static void backward(DenseWeights d, float[] out, double[] gradOut, double[] gradIn) {
        Arrays.fill(gradIn, 0);
        int in = d.in();
        for (int r = 0; r < d.out(); r++) {
            if (out[r] > 0) {
                double gr = gradOut[r];
                for (int j = 0; j < in; j++) {
                    gradIn[j] += d.weight(r, j) * gr;
                }
            }
        }
    }

    /** Counts the fit samples' states per layer, unit and interval. Mutable, not thread-safe. */
    public static final class Accumulator implements FitAccumulator<NacUeDetector>, BankAccumulator {
        private final int intervalsM;
        private final double alpha;
        private final DenseWeights head;
        private final List<DenseWeights> chain;
        private final NacUeDetector shape;
        private final long[][] counts;
        private long samples;

        private Accumulator(int intervalsM, double alpha, DenseWeights head, List<DenseWeights> chain) {
            this.intervalsM = intervalsM;
            this.alpha = alpha;
            this.head = head;
            this.chain = chain;
            this.counts = new long[chain.size() + 1][];
            int intervals = intervalsM - 1;
            for (int l = 0; l <= chain.size(); l++) {
                counts[l] = new long[(l == 0 ? head.in() : chain.get(l - 1).in()) * intervals];
            }
            // a detector with one count per cell scores nothing; it computes the states of the fit batches
            this.shape = new NacUeDetector(intervalsM, alpha, head, chain, 1, counts);
        }

        @Override
        public String detectorName() {
            return "nac_ue";
        }

        @Override
        public void accept(DetectorInput batch) {
            States states = shape.new States(batch, "nac_ue fit");
            int intervals = intervalsM - 1;
            for (int i = 0; i < batch.samples(); i++) {
                int[][] bins = states.bins(i);
                for (int l = 0; l < bins.length; l++) {
                    for (int j = 0; j < bins[l].length; j++) {
                        counts[l][j * intervals + bins[l][j]]++;
                    }
                }
            }
            samples += batch.samples();
        }

        @Override
        public void merge(FitAccumulator<NacUeDetector> other) {
            if (!(other instanceof Accumulator o)
                    || o.intervalsM != intervalsM
                    || Double.compare(o.alpha, alpha) != 0
                    || !o.head.layer().equals(head.layer())
                    || !o.chain.stream()
                            .map(DenseWeights::layer)
                            .toList()
                            .equals(chain.stream().map(DenseWeights::layer).toList())) {
                throw new OodException("can only merge a NAC-UE accumulator with M = " + intervalsM + ", alpha_nac = "
                        + alpha + " and the same dense layers, got " + other);
            }
            for (int l = 0; l < counts.length; l++) {
                for (int c = 0; c < counts[l].length; c++) {
                    counts[l][c] += o.counts[l][c];
                }
            }
            samples += o.samples;
        }

        @Override
        public NacUeDetector result() {
            if (samples == 0) {
                throw new OodException("nac_ue needs at least one fit sample, got none; fit on ID data");
            }
            long[][] copy = new long[counts.length][];
            for (int l = 0; l < counts.length; l++) {
                copy[l] = counts[l].clone();
            }
            return new NacUeDetector(intervalsM, alpha, head, chain, samples, copy);
        }

        @Override
        public String toString() {
            return "NacUeDetector.Accumulator[M=" + intervalsM + ", alpha_nac=" + alpha + ", layers=" + shape.layers()
                    + "]";
        }
    }
}
