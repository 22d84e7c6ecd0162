package dev.onnxinspect.stats;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.concurrent.ForkJoinPool;
import org.junit.jupiter.api.Test;

/**
 * Pins the fast SPEC §8 evaluation ({@link KdeMode#FAST}: node by node, sorted queries, sliding windows, the
 * vectorised kernel, chunks in parallel) to a straightforward evaluation written here literally from SPEC §8, on
 * seeded random data with the hard cases: repeated values, classes with identical values (exact ties between
 * classes), single-value classes, a class with no positive value, a node that never fires, a node whose pooled
 * bandwidth is 0, queries far in the tails and clusters with wide gaps.
 */
class NodeClassifierFastPathTest {
    private static final int K = 5;

    /** SPEC §8, literally: every number from the raw fit rows, one query at a time, no sorting, no windows. */
    private static final class Reference {
        final List<List<List<Double>>> on = new ArrayList<>(); // [node][class] positive fit values
        final long[][] off; // [node][class] samples with the node off

        Reference(int nodes, int[] classes, float[][] rows) {
            off = new long[nodes][K];
            for (int j = 0; j < nodes; j++) {
                List<List<Double>> perClass = new ArrayList<>();
                for (int c = 0; c < K; c++) {
                    perClass.add(new ArrayList<>());
                }
                on.add(perClass);
            }
            for (int i = 0; i < rows.length; i++) {
                for (int j = 0; j < nodes; j++) {
                    if (rows[i][j] > 0) {
                        on.get(j).get(classes[i]).add((double) rows[i][j]);
                    } else {
                        off[j][classes[i]]++;
                    }
                }
            }
        }

        /** h = 1.06 sigma n^(-1/5), sigma with ddof = 1; 0 for fewer than two distinct values. */
        static double silverman(List<Double> values) {
            if (values.stream().distinct().count() < 2) {
                return 0.0;
            }
            int n = values.size();
            double mean = values.stream().mapToDouble(Double::doubleValue).sum() / n;
            double squares =
                    values.stream().mapToDouble(v -> (v - mean) * (v - mean)).sum();
            return 1.06 * Math.sqrt(squares / (n - 1)) * Math.pow(n, -0.2);
        }

        /** ln((1 / (n h)) sum_i phi((a - x_i) / h)), as a log-sum-exp around the largest term. */
        static double logKde(List<Double> values, double h, double a) {
            double max = Double.NEGATIVE_INFINITY;
            for (double x : values) {
                double z = (a - x) / h;
                max = Math.max(max, -0.5 * z * z);
            }
            double sum = 0.0;
            for (double x : values) {
                double z = (a - x) / h;
                sum += Math.exp(-0.5 * z * z - max);
            }
            return max + Math.log(sum) - Math.log(values.size()) - Math.log(h) - 0.5 * Math.log(2 * Math.PI);
        }

        double[] logPosterior(int node, float a) {
            double[] out = new double[K];
            List<List<Double>> classes = on.get(node);
            if (!(a > 0)) {
                long total = Arrays.stream(off[node]).sum();
                for (int c = 0; c < K; c++) {
                    out[c] = Math.log((off[node][c] + 1.0) / (total + K));
                }
                return out;
            }
            List<Double> pooled = new ArrayList<>();
            classes.forEach(pooled::addAll);
            double pooledH = silverman(pooled);
            if (pooled.isEmpty() || pooledH == 0) {
                for (int c = 0; c < K; c++) {
                    out[c] = Math.log((classes.get(c).size() + 1.0) / (pooled.size() + K));
                }
                return out;
            }
            double max = Double.NEGATIVE_INFINITY;
            for (int c = 0; c < K; c++) {
                List<Double> values = classes.get(c);
                double kde;
                if (values.isEmpty()) {
                    kde = logKde(pooled, pooledH, a);
                } else {
                    double own = silverman(values);
                    kde = logKde(values, own > 0 ? own : pooledH, a);
                }
                out[c] = Math.log(values.size() + 1.0) + kde;
                max = Math.max(max, out[c]);
            }
            double sum = 0.0;
            for (double v : out) {
                sum += Math.exp(v - max);
            }
            for (int c = 0; c < K; c++) {
                out[c] -= max + Math.log(sum);
            }
            return out;
        }
    }

    static int argmax(double[] values) {
        int best = 0;
        for (int c = 1; c < values.length; c++) {
            if (values[c] > values[best]) {
                best = c;
            }
        }
        return best;
    }

    /** A data set with the hard cases; one row per sample, nine nodes. */
    private record Data(int[] classes, float[][] rows) {}

    private static final int NODES = 9;

    private static Data data(Random random, int samples, boolean evaluation) {
        int[] classes = new int[samples];
        float[][] rows = new float[samples][NODES];
        for (int i = 0; i < samples; i += 2) {
            // pairs: one in five is (class 0, class 1) with the same value at node 2, so classes 0 and 1 have
            // identical values there (exact ties between two classes); the others two classes from {2, 3, 4}
            boolean tiedPair = (i / 2) % 5 == 0;
            for (int d = 0; d < 2 && i + d < samples; d++) {
                int c = tiedPair ? d : 2 + random.nextInt(3);
                classes[i + d] = c;
                float[] row = rows[i + d];
                // node 0: continuous, class-dependent
                row[0] = (float) (c * 0.7 - 0.5 + random.nextGaussian());
                // node 1: repeated values only (a few levels)
                row[1] = (float) (random.nextInt(4 + c) * 0.5 - 0.5);
                // node 2: classes 0 and 1 identical (the pair shares the value), others continuous
                row[2] = d == 1 && tiedPair ? rows[i][2] : (float) (1 + c + random.nextGaussian());
                // node 3: class 2 has a single positive value, class 3 two equal ones, others continuous
                row[3] = (float) (c * 0.3 + random.nextGaussian() * 0.5 + 0.5);
                // node 4: class 4 never positive
                row[4] = c == 4 ? -1f : (float) Math.abs(random.nextGaussian() + c);
                // node 5: never fires
                row[5] = (float) -Math.abs(random.nextGaussian());
                // node 6: every positive value equal -> pooled bandwidth 0 (discrete on-estimate)
                row[6] = random.nextBoolean() ? 2.0f : 0f;
                // node 7: fit values in a narrow band; evaluation queries also far in the tails
                row[7] = (float) (0.5 + 0.01 * c + 0.02 * random.nextGaussian());
                // node 8: clusters with wide gaps and rare outliers
                row[8] = (float) (random.nextInt(3) * 10
                        + c
                        + 0.05 * random.nextGaussian()
                        + (random.nextInt(40) == 0 ? 200 : 0));
            }
        }
        if (!evaluation) {
            fixSingleValueClasses(classes, rows);
        } else {
            for (int i = 0; i < samples; i++) {
                if (i % 7 == 0) {
                    // far in the tails of node 7: up to about 1,000 of its bandwidths away, both sides
                    rows[i][7] = (float) (0.5 + (random.nextBoolean() ? 1 : -0.45) * random.nextDouble() * 1.2);
                }
                if (i % 11 == 0) {
                    rows[i][0] = (float) (40 + random.nextDouble() * 10);
                }
            }
        }
        return new Data(classes, rows);
    }

    /** Node 3: class 2 keeps one positive value, class 3 two equal positive values. */
    private static void fixSingleValueClasses(int[] classes, float[][] rows) {
        boolean firstTwo = true;
        int threes = 0;
        for (int i = 0; i < classes.length; i++) {
            if (classes[i] == 2) {
                rows[i][3] = firstTwo ? 0.75f : -1f;
                firstTwo = false;
            } else if (classes[i] == 3) {
                rows[i][3] = threes++ < 2 ? 1.25f : -1f;
            }
        }
    }

    private static NodeClassifier fit(Data fit) {
        StatsOptions options = StatsOptions.builder(K, ClassBasis.LABEL).build();
        NodeClassifierFitAccumulator accumulator =
                new NodeClassifierFitAccumulator(options, "l", new int[] {fit.rows()[0].length});
        accumulator.accept(fit.classes(), Activations.dense("l", fit.rows()));
        return accumulator.result();
    }

    private static NodeClassifierResult evaluate(NodeClassifier classifier, Data data, KdeMode mode, int batch) {
        NodeClassifierEvaluationAccumulator evaluation = classifier.evaluation(mode);
        int n = data.rows().length;
        for (int from = 0; from < n; from += batch) {
            int to = Math.min(n, from + batch);
            evaluation.accept(
                    Arrays.copyOfRange(data.classes(), from, to),
                    Activations.dense("l", Arrays.copyOfRange(data.rows(), from, to)));
        }
        return evaluation.result();
    }

    @Test
    void nodeAndLayerPredictionsEqualTheLiteralEvaluation() {
        Random random = new Random(20261207);
        Data fitData = data(random, 600, false);
        Data evalData = data(random, 400, true);
        NodeClassifier classifier = fit(fitData);
        Reference reference = new Reference(NODES, fitData.classes(), fitData.rows());
        // the hard cases are really there
        assertThat(classifier.bandwidth(3, 2)).isEqualTo(classifier.pooledBandwidth(3));
        assertThat(classifier.bandwidth(3, 3)).isEqualTo(classifier.pooledBandwidth(3));
        assertThat(classifier.bandwidth(4, 4)).isNaN();
        assertThat(classifier.pooledBandwidth(5)).isZero();
        assertThat(classifier.pooledBandwidth(6)).isZero();

        long[] nodeCorrect = new long[NODES];
        long layerCorrect = 0;
        double[] fast = new double[K];
        double largest = 0;
        int ties = 0;
        for (int i = 0; i < evalData.rows().length; i++) {
            double[] layer = new double[K];
            int c = evalData.classes()[i];
            for (int j = 0; j < NODES; j++) {
                float a = evalData.rows()[i][j];
                double[] expected = reference.logPosterior(j, a);
                classifier.logPosterior(j, a, KdeMode.FAST, fast);
                for (int k = 0; k < K; k++) {
                    largest = Math.max(largest, Math.abs(fast[k] - expected[k]));
                    layer[k] += expected[k];
                }
                assertThat(argmax(fast)).as("node %d sample %d a %s", j, i, a).isEqualTo(argmax(expected));
                if (j == 2 && a > 0 && expected[0] == expected[1]) {
                    ties++;
                }
                if (argmax(expected) == c) {
                    nodeCorrect[j]++;
                }
            }
            if (argmax(layer) == c) {
                layerCorrect++;
            }
        }
        // log-posteriors within 1e-9 (they differ by the kernels' rounding, ~1e-12)
        assertThat(largest).isLessThan(1e-9);
        assertThat(ties)
                .as("queries where classes 0 and 1 tie exactly at node 2")
                .isGreaterThan(50);
        for (int batch : new int[] {1, 7, 64, 400}) {
            NodeClassifierResult result = evaluate(classifier, evalData, KdeMode.FAST, batch);
            assertThat(result.nodeCorrect()).as("batch %d", batch).containsExactly(nodeCorrect);
            assertThat(result.layerCorrect()).as("batch %d", batch).isEqualTo(layerCorrect);
            assertThat(result.samples()).isEqualTo(400);
        }
        NodeClassifierResult exact = evaluate(classifier, evalData, KdeMode.EXACT, 50);
        assertThat(exact.nodeCorrect()).containsExactly(nodeCorrect);
        assertThat(exact.layerCorrect()).isEqualTo(layerCorrect);
    }

    @Test
    void manyNodesInSeveralChunksEqualTheLiteralEvaluation() {
        // 600 nodes: three chunks of the parallel evaluation; random widths and offsets, some nodes mostly off
        Random random = new Random(7);
        int nodes = 2 * NodeClassifierEvaluationAccumulator.CHUNK + 88;
        double[] shift = new double[nodes];
        double[] width = new double[nodes];
        for (int j = 0; j < nodes; j++) {
            shift[j] = random.nextGaussian();
            width[j] = 0.1 + random.nextDouble();
        }
        Data fitData = randomLayer(random, 150, shift, width);
        Data evalData = randomLayer(random, 60, shift, width);
        NodeClassifier classifier = fit(fitData);
        Reference reference = new Reference(nodes, fitData.classes(), fitData.rows());
        long[] nodeCorrect = new long[nodes];
        long layerCorrect = 0;
        for (int i = 0; i < evalData.rows().length; i++) {
            double[] layer = new double[K];
            for (int j = 0; j < nodes; j++) {
                double[] expected = reference.logPosterior(j, evalData.rows()[i][j]);
                for (int k = 0; k < K; k++) {
                    layer[k] += expected[k];
                }
                if (argmax(expected) == evalData.classes()[i]) {
                    nodeCorrect[j]++;
                }
            }
            if (argmax(layer) == evalData.classes()[i]) {
                layerCorrect++;
            }
        }
        NodeClassifierResult result = evaluate(classifier, evalData, KdeMode.FAST, 16);
        assertThat(result.nodeCorrect()).containsExactly(nodeCorrect);
        assertThat(result.layerCorrect()).isEqualTo(layerCorrect);
    }

    private static Data randomLayer(Random random, int samples, double[] shift, double[] width) {
        int[] classes = new int[samples];
        float[][] rows = new float[samples][shift.length];
        for (int i = 0; i < samples; i++) {
            classes[i] = random.nextInt(K);
            for (int j = 0; j < shift.length; j++) {
                rows[i][j] = (float) (shift[j] + 0.3 * classes[i] * (j % 3) + width[j] * random.nextGaussian());
            }
        }
        return new Data(classes, rows);
    }

    @Test
    void kdeValuesWithinOneInABillionOfTheLiteralSum() {
        Random random = new Random(99);
        for (int trial = 0; trial < 60; trial++) {
            int n = 1 + random.nextInt(trial < 50 ? 400 : 6000);
            List<Double> list = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                double v = switch (trial % 4) {
                    case 0 -> random.nextGaussian();
                    case 1 -> random.nextInt(5) * 0.25; // repeated values only
                    case 2 ->
                        random.nextInt(3) * 10 + 0.05 * random.nextGaussian() + (random.nextInt(30) == 0 ? 80 : 0);
                    default -> Math.abs(random.nextGaussian()) * 1e-3;
                };
                list.add((double) (float) v);
            }
            double[] sorted =
                    list.stream().mapToDouble(Double::doubleValue).sorted().toArray();
            double h = trial % 3 == 0 ? 0.01 + random.nextDouble() : Math.max(Reference.silverman(list), 1e-4);
            GaussianKde kde = new GaussianKde(sorted, h);
            int m = 300;
            double[] queries = new double[m];
            for (int q = 0; q < m; q++) {
                double base = sorted[random.nextInt(n)];
                queries[q] = switch (q % 5) {
                    case 0 -> base; // on a fit value
                    case 1 -> base + random.nextGaussian() * h;
                    case 2 -> base + random.nextGaussian() * 20 * h;
                    case 3 -> sorted[n - 1] + random.nextDouble() * 1000 * h; // far right tail
                    default -> sorted[0] - random.nextDouble() * 1000 * h; // far left tail
                };
            }
            Arrays.sort(queries);
            double[] fast = new double[m];
            kde.logDensitiesSorted(queries, m, fast, new double[kde.distinctValues()]);
            for (int q = 0; q < m; q++) {
                double expected = Reference.logKde(list, h, queries[q]);
                // |kde_fast / kde - 1| <= 1e-9
                assertThat(Math.abs(Math.expm1(fast[q] - expected)))
                        .as("trial %d n %d h %s a %s", trial, n, h, queries[q])
                        .isLessThanOrEqualTo(1e-9);
                assertThat(kde.logDensityFast(queries[q])).isEqualTo(fast[q]);
            }
        }
    }

    @Test
    void fastEvaluationIsTheSameForEveryBatchSplit() {
        // the layer's sums are made in fixed node chunks, so the counts do not depend on batches or threads
        Random random = new Random(5);
        double[] shift = new double[300];
        double[] width = new double[300];
        Arrays.fill(width, 0.5);
        Data fitData = randomLayer(random, 200, shift, width);
        Data evalData = randomLayer(random, 90, shift, width);
        NodeClassifier classifier = fit(fitData);
        NodeClassifierResult whole = evaluate(classifier, evalData, KdeMode.FAST, 90);
        NodeClassifierResult single = evaluate(classifier, evalData, KdeMode.FAST, 1);
        assertThat(single.nodeCorrect()).containsExactly(whole.nodeCorrect());
        assertThat(single.layerCorrect()).isEqualTo(whole.layerCorrect());
    }

    private static NodeClassifierResult evaluateBuffered(
            NodeClassifier classifier, Data data, int batch, long bufferValues, int from, int to) {
        NodeClassifierEvaluationAccumulator evaluation =
                new NodeClassifierEvaluationAccumulator(classifier, KdeMode.FAST, bufferValues);
        feed(evaluation, data, batch, from, to);
        return evaluation.result();
    }

    private static void feed(NodeClassifierEvaluationAccumulator evaluation, Data data, int batch, int from, int to) {
        for (int b = from; b < to; b += batch) {
            int end = Math.min(to, b + batch);
            evaluation.accept(
                    Arrays.copyOfRange(data.classes(), b, end),
                    Activations.dense("l", Arrays.copyOfRange(data.rows(), b, end)));
        }
    }

    @Test
    void bufferedEvaluationEqualsTheExactOneForEveryBufferBatchAndMerge() {
        // enough evaluation samples that the nodes' KDEs are expanded (about 1,000 queries per node)
        Random random = new Random(11);
        Data fitData = data(random, 1500, false);
        Data evalData = data(random, 2000, true);
        NodeClassifier classifier = fit(fitData);
        NodeClassifierResult exact = evaluate(classifier, evalData, KdeMode.EXACT, 100);
        // one buffer for all; a buffer of 37 samples (flushes mid-batch); a buffer of one sample
        for (long bufferValues : new long[] {1L << 23, 37L * NODES, 1}) {
            for (int batch : new int[] {16, 250}) {
                NodeClassifierResult fast = evaluateBuffered(classifier, evalData, batch, bufferValues, 0, 2000);
                assertThat(fast.nodeCorrect())
                        .as("buffer %d batch %d", bufferValues, batch)
                        .containsExactly(exact.nodeCorrect());
                assertThat(fast.layerCorrect()).isEqualTo(exact.layerCorrect());
                assertThat(fast.samples()).isEqualTo(2000);
            }
        }
        // merge: the other accumulator still holds its samples in its buffer (no result() yet) and stays unchanged
        NodeClassifierEvaluationAccumulator first = classifier.evaluation(KdeMode.FAST);
        NodeClassifierEvaluationAccumulator second = classifier.evaluation(KdeMode.FAST);
        feed(first, evalData, 16, 0, 1200);
        feed(second, evalData, 16, 1200, 2000);
        first.merge(second);
        NodeClassifierResult merged = first.result();
        assertThat(merged.nodeCorrect()).containsExactly(exact.nodeCorrect());
        assertThat(merged.layerCorrect()).isEqualTo(exact.layerCorrect());
        assertThat(merged.samples()).isEqualTo(2000);
        assertThat(second.result().samples()).isEqualTo(800);
    }

    @Test
    void theExpansionServesANodesManyQueriesAndAgreesWithTheExactEvaluation() {
        Random random = new Random(12);
        Data fitData = data(random, 1500, false);
        Data evalData = data(random, 2000, true);
        NodeClassifier classifier = fit(fitData);
        NodeEstimator.Scratch scratch = new NodeEstimator.Scratch();
        double[] exact = new double[K];
        long queries = 0;
        double largest = 0;
        for (int j = 0; j < NODES; j++) {
            final int node = j;
            double[] on = Arrays.stream(evalData.rows())
                    .mapToDouble(row -> row[node])
                    .filter(a -> a > 0)
                    .sorted()
                    .distinct()
                    .toArray();
            NodeEstimator estimator = classifier.estimator(j);
            scratch.ensure(on.length, estimator.largestKde());
            double[] out = new double[on.length * K];
            estimator.logPosteriorsOn(on, on.length, out, scratch);
            for (int q = 0; q < on.length; q++) {
                classifier.logPosterior(j, (float) on[q], KdeMode.EXACT, exact);
                double[] fast = Arrays.copyOfRange(out, q * K, q * K + K);
                assertThat(argmax(fast)).as("node %d a %s", j, on[q]).isEqualTo(argmax(exact));
                for (int c = 0; c < K; c++) {
                    largest = Math.max(largest, Math.abs(fast[c] - exact[c]));
                }
            }
            if (!estimator.discreteOn()) {
                queries += (long) on.length * K;
            }
        }
        assertThat(largest).isLessThan(1e-9);
        // most (node, class) evaluations went through the expansion rather than the direct sums
        assertThat(scratch.kernel.expanded).isGreaterThan(queries / 2);
    }

    @Test
    void unnormalisedScoresShiftEachQueryByOneConstantAndDecideAsTheExactEvaluation() {
        // the accumulator compares and sums ln(N_c^on + 1) + ln kde_c(a) without the log-sum-exp: per query the
        // difference to ln P(c | a) must be one constant for all classes, and the argmax that of EXACT (the seeded
        // data has the exact ties of node 2, the single-value classes of node 3, the missing class of node 4, the
        // never-firing node 5, the zero-bandwidth node 6 and the far tails of node 7)
        Random random = new Random(20261208);
        Data fitData = data(random, 1500, false);
        Data evalData = data(random, 1200, true);
        NodeClassifier classifier = fit(fitData);
        NodeEstimator.Scratch scratch = new NodeEstimator.Scratch();
        double[] exact = new double[K];
        long compared = 0;
        long tiesKept = 0;
        long unweightedDiffer = 0;
        for (int j = 0; j < NODES; j++) {
            final int node = j;
            double[] on = Arrays.stream(evalData.rows())
                    .mapToDouble(row -> row[node])
                    .filter(a -> a > 0)
                    .sorted()
                    .distinct()
                    .toArray();
            if (on.length == 0) {
                continue;
            }
            NodeEstimator estimator = classifier.estimator(j);
            scratch.ensure(on.length, estimator.largestKde());
            double[] scores = new double[on.length * K];
            double[] posteriors = new double[on.length * K];
            estimator.logScoresOn(on, on.length, scores, scratch);
            estimator.logPosteriorsOn(on, on.length, posteriors, scratch);
            for (int q = 0; q < on.length; q++) {
                double[] score = Arrays.copyOfRange(scores, q * K, q * K + K);
                double shift = score[0] - posteriors[q * K];
                for (int c = 1; c < K; c++) {
                    assertThat(Math.abs(score[c] - posteriors[q * K + c] - shift))
                            .as("node %d a %s class %d", j, on[q], c)
                            .isLessThanOrEqualTo(1e-12 * Math.max(1, Math.abs(score[c])));
                }
                classifier.logPosterior(j, (float) on[q], KdeMode.EXACT, exact);
                assertThat(argmax(score)).as("node %d a %s", j, on[q]).isEqualTo(argmax(exact));
                if (j == 2 && exact[0] == exact[1]) {
                    assertThat(score[0]).isEqualTo(score[1]);
                    tiesKept++;
                }
                // the perturbation: without the class weights ln(N_c^on + 1) some decisions change, so the
                // comparison above can fail
                if (!estimator.discreteOn()) {
                    double[] unweighted = score.clone();
                    for (int c = 0; c < K; c++) {
                        unweighted[c] -= Math.log(onCount(fitData, classifier.threshold(), j, c) + 1.0);
                    }
                    if (argmax(unweighted) != argmax(exact)) {
                        unweightedDiffer++;
                    }
                }
                compared++;
            }
        }
        assertThat(compared).isGreaterThan(3000);
        assertThat(tiesKept).isGreaterThan(50);
        assertThat(unweightedDiffer).isGreaterThan(0);
    }

    @Test
    void theEvaluationEstimateCountsTheBufferTheSumsAndTheScratch() {
        long threads = ForkJoinPool.getCommonPoolParallelism() + 1L;
        // K = 10, 12,544 nodes (49 chunks), 2,000 samples, a budget of 1,000,000 values: capacity
        // min(65,536, 1,000,000 / 12,544 = 79, 1,000,000 / (2 x 49 x 10) = 1,020) = 79 samples; the buffer grows
        // 16, 32, 64, then 79: 79 x 12,545 x 4 = 3,964,220 bytes; sums 49 x 79 x 10 x 8 = 309,680; per thread
        // 79 x (80 + 148) + 5,000 x 16 = 98,012
        StatsOptions k10 = StatsOptions.builder(10, ClassBasis.LABEL).build();
        MemoryEstimate cnn =
                NodeClassifierEvaluationAccumulator.estimate(k10, "conv", new int[] {12544}, 2000, 5000, 1_000_000);
        assertThat(cnn.bytes()).isEqualTo(3_964_220 + 309_680 + Math.min(threads, 49) * 98_012);
        assertThat(cnn.description()).contains("12544 nodes x 79 buffered samples");
        // K = 1000, 2,048 nodes (8 chunks), unknown evaluation size, 2^25 values: the sums bound the capacity,
        // 2^25 / (2 x 8 x 1000) = 2,097 samples (not 2^25 / 2,048 = 16,384): buffer 2,097 x 2,049 x 4 =
        // 17,187,012; sums 8 x 2,097 x 1000 x 8 = 134,208,000 (within the buffer's 2^27 bytes); per thread
        // 2,097 x (8,000 + 148) + 256 x 16 = 17,090,452
        StatsOptions k1000 = StatsOptions.builder(1000, ClassBasis.LABEL).build();
        MemoryEstimate resnet =
                NodeClassifierEvaluationAccumulator.estimate(k1000, "head", new int[] {2048}, -1, 256, 1L << 25);
        assertThat(resnet.bytes()).isEqualTo(17_187_012 + 134_208_000 + Math.min(threads, 8) * 17_090_452);
        assertThat(resnet.description()).contains("2048 nodes x 2097 buffered samples");
        // nothing to evaluate: nothing buffered, no sums
        assertThat(NodeClassifierEvaluationAccumulator.estimate(k10, "fc", new int[] {84}, 0, 100, 1L << 25)
                        .bytes())
                .isEqualTo(Math.min(threads, 1) * 100 * 16);
    }

    /** N_c^on of a node, counted from the fit rows. */
    private static long onCount(Data fit, float threshold, int node, int classId) {
        long count = 0;
        for (int i = 0; i < fit.rows().length; i++) {
            if (fit.classes()[i] == classId && fit.rows()[i][node] > threshold) {
                count++;
            }
        }
        return count;
    }
}
