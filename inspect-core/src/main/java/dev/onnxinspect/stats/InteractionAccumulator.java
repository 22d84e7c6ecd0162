package dev.onnxinspect.stats;

import dev.onnxinspect.onnx.DenseLayer;
import dev.onnxinspect.runtime.LayerActivations;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Counts, per tracked class, in how many samples each neuron-weight interaction (i, j) of a dense layer
 * {@code z = W x + b} is significant (SPEC §3): with {@code C_ij = w_ij * x_j} and D_i the row's denominator
 * ({@code sum_k |C_ik|} for {@link InteractionShare#ABSOLUTE}, {@code sum_k C_ik} for SIGNED), (i, j) is
 * significant when {@code C_ij / D_i > 1 / n_in}.
 * <p>Choice (exact comparison): the test is evaluated as {@code C_ij * n_in > D_i} in float64, where
 * {@code C_ij = (double) w_ij * (double) x_j} is exact (a product of two floats fits in a double) and D_i is
 * summed in index order k = 0 .. n_in - 1; rows with {@code D_i <= 0} have no significant interaction (for
 * ABSOLUTE that is D_i = 0, where every share is 0). The sums skip the inputs x_k = 0 (ReLU outputs are mostly zero):
 * their terms are zeros, which change a sum at most in the sign of a zero sum, and D_i = ±0 counts nothing either
 * way; an (i, j) with x_j = 0 has C_ij = ±0, never significant when D_i > 0. So the counts are those of the full sums.
 * <p>Memory: one {@code int} counter per (tracked class, i, j), K' x n_out x n_in x 4 bytes, allocated when a class
 * first appears. The constructor states the size ({@link #estimate}) and refuses, before allocating anything,
 * when it is above {@link InteractionOptions#memoryLimitBytes()}; restrict the classes or the layers then.
 * Cost: 2 x n_out x (non-zero inputs) multiply-adds per sample of a tracked class.
 * <p>Mutable and not thread-safe; {@link #merge} then {@link #result} equals one pass over all the data.
 * A sample with a NaN or infinite input is left out and counted as invalid.
 */
public final class InteractionAccumulator implements Serializable {
    private static final long serialVersionUID = 1L;

    private static final Logger LOG = LoggerFactory.getLogger(InteractionAccumulator.class);

    private final InteractionOptions options;
    private final String layer;
    private final String inputName;
    private final int nOut;
    private final int nIn;
    private final float[] weights;
    private final int[] slotOfClass;
    private final int[][] counts;
    private final int[] classSizes;
    private long skippedSamples;
    private long invalidSamples;
    /** Scratch of one sample (made on first use): the indices and values of its non-zero inputs, D_i per row. */
    private transient int[] nonZero;

    private transient double[] nonZeroValues;
    private transient double[] denominators;

    /**
     * @param dense   the layer's weights; its {@link DenseLayer#inputName()} is the layer whose activations
     *                {@link #accept} takes
     * @param options classes, share, bins, memory limit
     * @throws MemoryLimitExceededException when the counters would exceed the memory limit
     * @throws StatsException               when a weight is NaN or infinite
     */
    public InteractionAccumulator(DenseLayer dense, InteractionOptions options) {
        MemoryEstimate estimate = estimate(dense, options);
        if (estimate.bytes() > options.memoryLimitBytes()) {
            throw new MemoryLimitExceededException(
                    estimate,
                    options.memoryLimitBytes(),
                    "restrict the classes (InteractionOptions.Builder#classes), leave this layer out, or raise "
                            + "InteractionOptions.Builder#memoryLimitBytes");
        }
        LOG.debug(
                "{} take up to {} MiB (limit {} MiB)",
                estimate.description(),
                MemoryEstimate.mib(estimate.bytes()),
                MemoryEstimate.mib(options.memoryLimitBytes()));
        this.options = options;
        this.layer = dense.outputName();
        this.inputName = dense.inputName();
        this.nOut = dense.outFeatures();
        this.nIn = dense.inFeatures();
        if ((long) nOut * nIn > Integer.MAX_VALUE - 8) {
            throw new StatsException("dense layer " + layer + " has " + (long) nOut * nIn
                    + " interactions, more than one counter array can hold");
        }
        this.weights = dense.weights();
        if (!NeuronReader.allFinite(weights, 0, weights.length)) {
            throw new StatsException("dense layer " + layer + " has a NaN or infinite weight; interactions are "
                    + "defined for finite weights only");
        }
        int[] tracked = options.trackedClasses();
        this.slotOfClass = new int[options.numClasses()];
        Arrays.fill(slotOfClass, -1);
        for (int s = 0; s < tracked.length; s++) {
            slotOfClass[tracked[s]] = s;
        }
        this.counts = new int[tracked.length][];
        this.classSizes = new int[tracked.length];
    }

    /**
     * The memory the counters of this layer would take with these options, without allocating it.
     */
    public static MemoryEstimate estimate(DenseLayer dense, InteractionOptions options) {
        long classes = options.trackedClasses().length;
        long bytes = classes * dense.outFeatures() * dense.inFeatures() * Integer.BYTES;
        return new MemoryEstimate(
                bytes,
                "interaction counters for dense layer " + dense.outputName() + " (" + classes + " classes x "
                        + dense.outFeatures() + " x " + dense.inFeatures() + " int counters)");
    }

    /**
     * Counts one batch.
     *
     * @param classes the class of each sample, each in [0, K); samples of untracked classes are skipped
     * @param input   the activations of the layer's input tensor x ({@link DenseLayer#inputName()}), n_in units
     *                per sample (any unit shape whose product is n_in)
     * @throws StatsException for another tensor, a wrong size, a class id out of range or a length mismatch;
     *                        the accumulator is then unchanged
     */
    public void accept(int[] classes, LayerActivations input) {
        if (input == null || classes == null) {
            throw new StatsException("accept needs class ids and the activations of " + inputName);
        }
        if (!inputName.equals(input.layer())) {
            throw new StatsException("the interactions of dense layer " + layer + " need the activations of its input "
                    + inputName + ", got " + input.layer());
        }
        if (NeuronView.units(input.unitShape()) != nIn) {
            throw new StatsException("dense layer " + layer + " has n_in = " + nIn + " but its input " + inputName
                    + " has unit shape " + Arrays.toString(input.unitShape()));
        }
        if (classes.length != input.samples()) {
            throw new StatsException("the batch has " + input.samples() + " samples but " + classes.length
                    + " class ids; pass one class id per sample");
        }
        NeuronReader.checkClasses(classes, options.numClasses());
        float[] x = input.values();
        for (int s = 0; s < input.samples(); s++) {
            int slot = slotOfClass[classes[s]];
            if (slot < 0) {
                skippedSamples++;
            } else if (!NeuronReader.allFinite(x, s * nIn, nIn)) {
                invalidSamples++;
            } else {
                acceptSample(slot, x, s * nIn);
            }
        }
    }

    private void acceptSample(int slot, float[] x, int offset) {
        if (classSizes[slot] == Integer.MAX_VALUE) {
            throw new StatsException("a class of dense layer " + layer + " has " + Integer.MAX_VALUE
                    + " samples, the most one accumulator can count; split the data");
        }
        if (counts[slot] == null) {
            counts[slot] = new int[nOut * nIn];
        }
        classSizes[slot]++;
        int[] g = counts[slot];
        boolean absolute = options.share() == InteractionShare.ABSOLUTE;
        if (nonZero == null) {
            nonZero = new int[nIn];
            nonZeroValues = new double[nIn];
            denominators = new double[nOut];
        }
        int nz = 0;
        for (int j = 0; j < nIn; j++) {
            float v = x[offset + j];
            if (v != 0) {
                nonZero[nz] = j;
                nonZeroValues[nz++] = v;
            }
        }
        denominators(nz, absolute);
        for (int i = 0; i < nOut; i++) {
            double denominator = denominators[i];
            if (!(denominator > 0.0)) {
                continue;
            }
            int row = i * nIn;
            for (int t = 0; t < nz; t++) {
                int j = nonZero[t];
                double c = weights[row + j] * nonZeroValues[t];
                g[row + j] += c * nIn > denominator ? 1 : 0;
            }
        }
    }

    /**
     * D_i of every row into {@link #denominators}, over the {@code nz} non-zero inputs, four rows at a time (four
     * independent sums, each in index order: a single running sum waits for every addition).
     */
    private void denominators(int nz, boolean absolute) {
        int i = 0;
        for (; i + 3 < nOut; i += 4) {
            int r0 = i * nIn;
            int r1 = r0 + nIn;
            int r2 = r1 + nIn;
            int r3 = r2 + nIn;
            double d0 = 0.0;
            double d1 = 0.0;
            double d2 = 0.0;
            double d3 = 0.0;
            for (int t = 0; t < nz; t++) {
                int j = nonZero[t];
                double v = nonZeroValues[t];
                d0 += term(weights[r0 + j] * v, absolute);
                d1 += term(weights[r1 + j] * v, absolute);
                d2 += term(weights[r2 + j] * v, absolute);
                d3 += term(weights[r3 + j] * v, absolute);
            }
            denominators[i] = d0;
            denominators[i + 1] = d1;
            denominators[i + 2] = d2;
            denominators[i + 3] = d3;
        }
        for (; i < nOut; i++) {
            int row = i * nIn;
            double d = 0.0;
            for (int t = 0; t < nz; t++) {
                d += term(weights[row + nonZero[t]] * nonZeroValues[t], absolute);
            }
            denominators[i] = d;
        }
    }

    private static double term(double c, boolean absolute) {
        return absolute ? Math.abs(c) : c;
    }

    /**
     * Adds another accumulator's counts to this one (the other is unchanged).
     *
     * @throws StatsException when the other was made for another layer or with other options
     */
    public void merge(InteractionAccumulator other) {
        if (!options.equals(other.options)
                || !layer.equals(other.layer)
                || !inputName.equals(other.inputName)
                || nOut != other.nOut
                || nIn != other.nIn
                || !Arrays.equals(weights, other.weights)) {
            throw new StatsException("cannot merge the interactions of " + other.layer + " into those of " + layer
                    + "; merge only accumulators made with the same dense layer and options");
        }
        for (int s = 0; s < classSizes.length; s++) {
            if (other.classSizes[s] == 0) {
                continue;
            }
            long size = (long) classSizes[s] + other.classSizes[s];
            if (size > Integer.MAX_VALUE) {
                throw new StatsException("a class of dense layer " + layer + " would have " + size
                        + " samples, more than one accumulator can count");
            }
            if (counts[s] == null) {
                counts[s] = new int[nOut * nIn];
            }
            int[] mine = counts[s];
            int[] theirs = other.counts[s];
            for (int u = 0; u < mine.length; u++) {
                mine[u] += theirs[u];
            }
            classSizes[s] = (int) size;
        }
        skippedSamples += other.skippedSamples;
        invalidSamples += other.invalidSamples;
    }

    /** The frequencies so far; later updates do not change the returned result. */
    public InteractionFrequencies result() {
        int[] tracked = options.trackedClasses();
        List<ClassCounts> rows = new ArrayList<>();
        long samples = 0;
        for (int s = 0; s < tracked.length; s++) {
            if (classSizes[s] > 0) {
                rows.add(new ClassCounts(tracked[s], classSizes[s], counts[s]));
                samples += classSizes[s];
            }
        }
        FrequencyTable table = new FrequencyTable(options.share().label(), nOut * nIn, options.bins(), rows);
        return new InteractionFrequencies(
                layer,
                inputName,
                nOut,
                nIn,
                options.share(),
                options.basis(),
                tracked,
                samples,
                skippedSamples,
                invalidSamples,
                table);
    }
}
