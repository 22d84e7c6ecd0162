package dev.onnxinspect.stats;

import dev.onnxinspect.runtime.LayerActivations;
import java.util.Arrays;
import java.util.concurrent.ForkJoinPool;
import java.util.stream.IntStream;

/**
 * Evaluates a layer's {@link NodeClassifier} on a labelled set (SPEC §8): counts, per node and for the layer,
 * how many samples are predicted correctly. Per-node prediction: {@code argmax_c ln P_j(c | x)}; layer
 * prediction: {@code argmax_c sum_j ln P_j(c | x)}; ties to the lowest class.
 * <p>{@link KdeMode#EXACT} goes sample by sample and sums the nodes in index order. {@link KdeMode#FAST} buffers the
 * valid samples' node values across batches and evaluates them node by node when the buffer is full and at
 * {@link #result()}: a node's on-activations over all buffered samples are sorted, equal ones evaluated once, and
 * every class's KDE is evaluated at all of them at once ({@link NodeEstimator#logScoresOn}: a sliding sweep or a
 * Taylor expansion per box of queries, whichever the counts say is cheaper); the nodes are split into fixed chunks
 * of {@value #CHUNK} that run in parallel (the common fork-join pool and the calling thread).
 * Choice: FAST sums and compares a node's log-posteriors without their normalisation {@code ln sum_c (N_c^on + 1)
 * kde_c(a)} (the same for every class of a node and sample, so neither argmax changes; it saves K exponentials and
 * a logarithm per query); only the rounding differs from EXACT's normalised terms: a layer sum's terms then carry
 * each node's common offset, so they round at about 1e-16 of |ln kde| per node (far in a KDE's tails |ln kde| is
 * large: z^2 / 2 for a query z bandwidths from every fit value).
 * Choice: per sample, the nodes of a chunk are summed in index order and the chunks' sums in chunk order (EXACT sums
 * all nodes in one index-ordered run; the two differ by rounding only). Which KDE evaluation serves a (node, class)
 * depends on how many queries the buffer holds, so FAST's log-posteriors can differ in the last digits (within
 * 1e-12 relative on the densities) with the batch split, the buffer size and merges; a count can then differ only
 * where two classes' log-posteriors (a node's, or a layer's sums) are that close without being equal (exact ties
 * stay exact: equal inputs take the same operations in the same order). Choice: FAST
 * parallelises inside the evaluation, on the common pool, rather than taking a thread count: the nodes are
 * independent and the audit runs one evaluation at a time.
 * <p>Mutable and not thread-safe (the classifier itself is shared safely); {@link #merge} then {@link #result}
 * equals one pass. Memory is independent of the number of samples. FAST's buffer holds at most
 * {@link #BUFFER_VALUES} node values (4 bytes per sample and node: 128 MiB, or 1/16 of the maximum heap if less) and
 * at most {@value #BUFFER_SAMPLES} samples, at least one; it grows as samples come. An evaluation of the buffer adds
 * 8 K bytes per buffered sample and chunk (all chunks together within the buffer's byte budget, see
 * {@link #capacity}) and per running thread a few arrays of the buffered samples' size; {@link #estimate} states
 * it all.
 */
public final class NodeClassifierEvaluationAccumulator {
    /** Nodes per parallel task of the fast evaluation (fixed, so the sums' order does not depend on threads). */
    static final int CHUNK = 256;
    /** Nodes whose buffered values a task copies node-major at once (16 floats: one cache line per sample). */
    private static final int GROUP = 16;
    /**
     * FAST: the buffer's budget in node values (4 bytes each): 128 MiB, or a sixteenth of the JVM's maximum heap if
     * that is less. Choice: large enough that the LeNet-like CNN's widest layer (12,544 nodes) evaluates 2,000
     * samples in one go (the Taylor expansion pays off with many queries per node); a sixteenth so that an audit's
     * few layers, each with its buffer, stay well within the heap.
     */
    static final long BUFFER_VALUES = Math.min(1L << 25, Runtime.getRuntime().maxMemory() / 64);
    /** FAST: at most this many samples are buffered (bounds the per-sample sums of a narrow layer). */
    static final int BUFFER_SAMPLES = 1 << 16;

    private final NodeClassifier classifier;
    private final KdeMode mode;
    private final NeuronReader reader;
    private final long[] nodeCorrect;
    private final double[] nodeLog;
    private final double[] layerLog;
    private long samples;
    private long invalidSamples;
    private long emptyMaskSamples;
    private long layerCorrect;
    /** FAST: how many samples the buffer holds before it is evaluated. */
    private final int bufferCapacity;
    /** FAST: the buffered valid samples, their node values as float bits, sample-major. */
    private int[] batchBits = new int[0];
    /** FAST: the classes of the buffered valid samples. */
    private int[] batchClasses = new int[0];
    /** FAST: how many samples are buffered and not yet evaluated. */
    private int buffered;

    NodeClassifierEvaluationAccumulator(NodeClassifier classifier, KdeMode mode) {
        this(classifier, mode, BUFFER_VALUES);
    }

    /**
     * @param bufferValues FAST: at most this many node values (4 bytes each) are buffered before an evaluation;
     *                     at least one sample is
     */
    NodeClassifierEvaluationAccumulator(NodeClassifier classifier, KdeMode mode, long bufferValues) {
        this.bufferCapacity = capacity(bufferValues, classifier.nodes(), classifier.numClasses());
        this.classifier = classifier;
        this.mode = mode;
        this.reader = new NeuronReader(
                classifier.layer(), classifier.unitShape(), classifier.options().view());
        this.nodeCorrect = new long[classifier.nodes()];
        this.nodeLog = new double[classifier.numClasses()];
        this.layerLog = new double[classifier.numClasses()];
    }

    /**
     * The memory of a FAST evaluation of a layer's node classifiers, stated before anything is allocated (the
     * classifiers themselves are {@link NodeClassifierFitAccumulator#estimate}'s): the buffer of node values
     * ({@code 4 (nodes + 1)} bytes per buffered sample; it grows 16, 32, 64, ... samples up to its capacity, the
     * smaller of {@value #BUFFER_SAMPLES} samples and the value budget over the nodes), and at an evaluation the
     * chunks' per-sample sums ({@code 8 K} bytes per buffered sample and chunk of {@value #CHUNK} nodes) and, per
     * running thread, the scratch of one chunk ({@code 8 K + 148} bytes per buffered sample: the node's rows, keys,
     * queries, indices, a node-major copy of {@value #GROUP} nodes, the KDE outputs and the expansion's arrays, plus
     * 16 bytes per fit sample for the kernel terms). EXACT needs only {@code 16 K} bytes.
     * Choice: the running threads are the common pool's parallelism plus the caller.
     *
     * @param evalSamples the samples that will be evaluated (-1: unknown, then the buffer's capacity)
     * @param fitSamples  the fit samples (bounds a KDE's distinct values; -1: unknown, then the capacity)
     */
    public static MemoryEstimate estimate(
            StatsOptions options, String layer, int[] unitShape, long evalSamples, long fitSamples) {
        return estimate(options, layer, unitShape, evalSamples, fitSamples, BUFFER_VALUES);
    }

    static MemoryEstimate estimate(
            StatsOptions options, String layer, int[] unitShape, long evalSamples, long fitSamples, long bufferValues) {
        long nodes = options.view().neurons(unitShape);
        long k = options.numClasses();
        long capacity = capacity(bufferValues, nodes, k);
        long valid = evalSamples < 0 ? capacity : Math.min(capacity, evalSamples);
        long slots = 0;
        if (valid > 0) {
            slots = 16;
            while (slots < valid) {
                slots *= 2;
            }
            slots = Math.min(capacity, slots);
        }
        long chunks = (nodes + CHUNK - 1) / CHUNK;
        long threads = ForkJoinPool.getCommonPoolParallelism() + 1L;
        long distinct = fitSamples < 0 ? capacity : fitSamples;
        long bytes = slots * (nodes + 1) * 4
                + chunks * valid * k * 8
                + Math.min(threads, chunks) * (valid * (k * 8 + 148) + distinct * 16);
        return new MemoryEstimate(
                bytes,
                "FAST evaluation buffer of the node classifiers of layer " + layer + " " + Arrays.toString(unitShape)
                        + " viewed " + options.view() + " (" + nodes + " nodes x " + slots + " buffered samples, "
                        + k + " classes)");
    }

    /**
     * How many samples the FAST buffer holds before it is evaluated: at most {@value #BUFFER_SAMPLES}, at most the
     * value budget over the nodes (the buffer: 4 bytes per value), and at most so many that the chunks' sums
     * ({@code 8 K} bytes per sample and chunk) stay within the same bytes (that bound acts only for many classes:
     * K = 1000 and 2,048 nodes buffer 2,048 samples instead of 16,384); at least one.
     */
    private static int capacity(long bufferValues, long nodes, long classes) {
        long chunks = (nodes + CHUNK - 1) / CHUNK;
        long bySums = bufferValues / Math.max(1, 2 * chunks * classes);
        return (int) Math.max(1, Math.min(BUFFER_SAMPLES, Math.min(bufferValues / Math.max(1, nodes), bySums)));
    }

    /**
     * Evaluates one batch.
     *
     * @param classes the true class of each sample, each in [0, K)
     * @throws StatsException for another layer or shape, a class id out of range or a length mismatch; the
     *                        accumulator is then unchanged
     */
    public void accept(int[] classes, LayerActivations acts) {
        accept(classes, acts, null);
    }

    /**
     * Evaluates one batch of a layer viewed {@link NeuronView#MASKED_MEAN} with the batch's attention mask (null
     * for the other views); a sample whose mask has no 1 is left out and counted.
     *
     * @throws StatsException as {@link #accept(int[], LayerActivations)}, or for a missing or mismatched mask
     */
    public void accept(int[] classes, LayerActivations acts, SequenceMask mask) {
        int n = reader.check(classes, acts, classifier.numClasses(), mask);
        if (mode == KdeMode.FAST) {
            acceptNodeByNode(classes, acts, n);
            return;
        }
        for (int i = 0; i < n; i++) {
            if (!reader.load(acts, i)) {
                if (reader.emptyMask) {
                    emptyMaskSamples++;
                } else {
                    invalidSamples++;
                }
                continue;
            }
            Arrays.fill(layerLog, 0.0);
            for (int j = 0; j < nodeCorrect.length; j++) {
                classifier.logPosteriorUnchecked(j, reader.value(j), mode, nodeLog);
                if (argmax(nodeLog) == classes[i]) {
                    nodeCorrect[j]++;
                }
                for (int c = 0; c < layerLog.length; c++) {
                    layerLog[c] += nodeLog[c];
                }
            }
            if (argmax(layerLog) == classes[i]) {
                layerCorrect++;
            }
            samples++;
        }
    }

    private void acceptNodeByNode(int[] classes, LayerActivations acts, int n) {
        for (int i = 0; i < n; i++) {
            if (!reader.load(acts, i)) {
                if (reader.emptyMask) {
                    emptyMaskSamples++;
                } else {
                    invalidSamples++;
                }
                continue;
            }
            buffer(reader.bits, 0, classes[i]);
        }
    }

    /** Appends one valid sample's node values (float bits, from {@code bits[from]}) to the buffer. */
    private void buffer(int[] bits, int from, int classId) {
        int nodes = nodeCorrect.length;
        if (buffered == bufferCapacity) {
            flush();
        }
        if ((long) (buffered + 1) * nodes > batchBits.length) {
            int grown = (int) Math.min(bufferCapacity, Math.max(16L, 2L * buffered));
            batchBits = Arrays.copyOf(batchBits, grown * nodes);
            batchClasses = Arrays.copyOf(batchClasses, grown);
        }
        System.arraycopy(bits, from, batchBits, buffered * nodes, nodes);
        batchClasses[buffered++] = classId;
    }

    /** Evaluates the buffered samples (every node over all of them at once) and empties the buffer. */
    private void flush() {
        if (buffered == 0) {
            return;
        }
        int nodes = nodeCorrect.length;
        int k = classifier.numClasses();
        int valid = buffered;
        double[][] partial = IntStream.range(0, (nodes + CHUNK - 1) / CHUNK)
                .parallel()
                .mapToObj(chunk -> evaluateChunk(chunk, valid))
                .toArray(double[][]::new);
        for (int s = 0; s < valid; s++) {
            Arrays.fill(layerLog, 0.0);
            for (double[] sums : partial) {
                for (int c = 0; c < k; c++) {
                    layerLog[c] += sums[s * k + c];
                }
            }
            if (argmax(layerLog) == batchClasses[s]) {
                layerCorrect++;
            }
        }
        samples += valid;
        buffered = 0;
    }

    /**
     * Evaluates the nodes of one chunk on the current batch: counts their correct predictions (each task writes
     * only its own nodes' counts) and returns, per sample, the sum of their log-posteriors in node order.
     */
    private double[] evaluateChunk(int chunk, int valid) {
        int nodes = nodeCorrect.length;
        int k = classifier.numClasses();
        float threshold = classifier.threshold();
        double[] sums = new double[valid * k];
        long[] keys = new long[valid];
        double[] queries = new double[valid];
        int[] queryOf = new int[valid];
        int[] bestOf = new int[valid];
        double[] rows = new double[valid * k];
        NodeEstimator.Scratch scratch = new NodeEstimator.Scratch();
        int[] column = new int[GROUP * valid];
        int chunkEnd = Math.min(nodes, (chunk + 1) * CHUNK);
        for (int j = chunk * CHUNK; j < chunkEnd; j++) {
            int u = (j - chunk * CHUNK) % GROUP;
            if (u == 0) {
                // the next GROUP nodes' values, node-major (one pass over the buffer's rows instead of one per node)
                int width = Math.min(GROUP, chunkEnd - j);
                for (int s = 0; s < valid; s++) {
                    int from = s * nodes + j;
                    for (int v = 0; v < width; v++) {
                        column[v * valid + s] = batchBits[from + v];
                    }
                }
            }
            int base = u * valid;
            NodeEstimator estimator = classifier.estimator(j);
            double[] off = estimator.logOff();
            int offBest = argmax(off, 0, k);
            long correct = 0;
            int on = 0;
            for (int s = 0; s < valid; s++) {
                int bits = column[base + s];
                if (Float.intBitsToFloat(bits) > threshold) {
                    // the float's order as a signed int, then the sample: sorting the keys sorts by value
                    keys[on++] = ((long) (bits ^ ((bits >> 31) & 0x7fffffff)) << 32) | s;
                } else {
                    if (offBest == batchClasses[s]) {
                        correct++;
                    }
                    for (int c = 0; c < k; c++) {
                        sums[s * k + c] += off[c];
                    }
                }
            }
            if (on > 0) {
                Arrays.sort(keys, 0, on);
                int distinct = 0;
                for (int t = 0; t < on; t++) {
                    double a = Float.intBitsToFloat(column[base + sample(keys[t])]);
                    if (distinct == 0 || a != queries[distinct - 1]) {
                        queries[distinct++] = a;
                    }
                    queryOf[t] = distinct - 1;
                }
                scratch.ensure(distinct, estimator.largestKde());
                estimator.logScoresOn(queries, distinct, rows, scratch);
                for (int q = 0; q < distinct; q++) {
                    bestOf[q] = argmax(rows, q * k, k);
                }
                for (int t = 0; t < on; t++) {
                    int s = sample(keys[t]);
                    int row = queryOf[t] * k;
                    if (bestOf[queryOf[t]] == batchClasses[s]) {
                        correct++;
                    }
                    for (int c = 0; c < k; c++) {
                        sums[s * k + c] += rows[row + c];
                    }
                }
            }
            nodeCorrect[j] += correct;
        }
        return sums;
    }

    private static int sample(long key) {
        return (int) (key & 0xffffffffL);
    }

    /**
     * The index (from 0) of the largest of {@code values[from .. from + k)}, the lowest among equal ones. Written
     * as selects on the best value so far (the JIT emits conditional moves: the comparisons are unpredictable).
     */
    static int argmax(double[] values, int from, int k) {
        int best = 0;
        double bestValue = values[from];
        for (int c = 1; c < k; c++) {
            double v = values[from + c];
            boolean greater = v > bestValue;
            best = greater ? c : best;
            bestValue = greater ? v : bestValue;
        }
        return best;
    }

    /** The index of the largest value, the lowest index among equal ones. */
    static int argmax(double[] values) {
        int best = 0;
        for (int c = 1; c < values.length; c++) {
            if (values[c] > values[best]) {
                best = c;
            }
        }
        return best;
    }

    /**
     * Adds another evaluation's counts to this one (the other is unchanged).
     *
     * @throws StatsException when the other evaluates another classifier or uses another mode
     */
    public void merge(NodeClassifierEvaluationAccumulator other) {
        if (other.classifier != classifier || other.mode != mode) {
            throw new StatsException("cannot merge evaluations of different node classifiers or KDE modes (layer "
                    + other.classifier.layer() + " " + other.mode + " into " + classifier.layer() + " " + mode
                    + "); merge evaluations made from the same NodeClassifier#evaluation(mode)");
        }
        for (int s = 0; s < other.buffered; s++) {
            buffer(other.batchBits, s * nodeCorrect.length, other.batchClasses[s]);
        }
        for (int j = 0; j < nodeCorrect.length; j++) {
            nodeCorrect[j] += other.nodeCorrect[j];
        }
        samples += other.samples;
        invalidSamples += other.invalidSamples;
        emptyMaskSamples += other.emptyMaskSamples;
        layerCorrect += other.layerCorrect;
    }

    /** The accuracies so far (FAST first evaluates the buffered samples). */
    public NodeClassifierResult result() {
        flush();
        return new NodeClassifierResult(
                classifier.layer(), mode, samples, invalidSamples, emptyMaskSamples, layerCorrect, nodeCorrect);
    }
}
