package dev.onnxinspect.stats;

import static org.assertj.core.api.Assertions.assertThat;

import dev.onnxinspect.runtime.LayerActivations;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * A distributed run ships node-classifier fit data and fitted classifiers between JVMs (Java serialisation): a copy
 * must merge and evaluate exactly as the original.
 */
class NodeClassifierSerializationTest {
    private static final int NODES = 3;
    private static final int K = 3;

    @Test
    void aSerialisedFitMergesAsTheOriginalAndASerialisedClassifierEvaluatesAsTheOriginal() throws Exception {
        StatsOptions options = StatsOptions.builder(K, ClassBasis.LABEL).build();
        Random random = new Random(3);
        float[] first = values(random, 40);
        float[] second = values(random, 30);
        int[] firstClasses = classes(random, 40);
        int[] secondClasses = classes(random, 30);

        NodeClassifierFitAccumulator onePass = fit(options, first, firstClasses);
        onePass.accept(secondClasses, new LayerActivations("l", second, 30, new int[] {NODES}));
        NodeClassifierFitAccumulator merged = fit(options, first, firstClasses);
        merged.merge(copy(fit(options, second, secondClasses)));

        NodeClassifier reference = onePass.result();
        NodeClassifier shipped = copy(merged.result());
        assertThat(shipped.fitSamples()).isEqualTo(70);
        float[] queries = values(random, 25);
        int[] truth = classes(random, 25);
        for (KdeMode mode : KdeMode.values()) {
            NodeClassifierEvaluationAccumulator want = reference.evaluation(mode);
            NodeClassifierEvaluationAccumulator got = shipped.evaluation(mode);
            want.accept(truth, new LayerActivations("l", queries, 25, new int[] {NODES}));
            got.accept(truth, new LayerActivations("l", queries, 25, new int[] {NODES}));
            NodeClassifierResult w = want.result();
            NodeClassifierResult g = copy(got.result());
            assertThat(g.samples()).isEqualTo(25);
            assertThat(g.layerCorrect()).isEqualTo(w.layerCorrect());
            assertThat(g.nodeCorrect()).containsExactly(w.nodeCorrect());
        }
        double[] a = new double[K];
        double[] b = new double[K];
        for (int j = 0; j < NODES; j++) {
            for (float x : new float[] {-1f, 0.3f, 1.7f}) {
                reference.logPosterior(j, x, KdeMode.EXACT, a);
                shipped.logPosterior(j, x, KdeMode.EXACT, b);
                assertThat(b).containsExactly(a);
            }
        }
    }

    private static NodeClassifierFitAccumulator fit(StatsOptions options, float[] values, int[] classes) {
        NodeClassifierFitAccumulator acc = new NodeClassifierFitAccumulator(options, "l", new int[] {NODES});
        acc.accept(classes, new LayerActivations("l", values, classes.length, new int[] {NODES}));
        return acc;
    }

    /** Values in [-2, 2] in quarters, so that some repeat and some are off. */
    private static float[] values(Random random, int samples) {
        float[] v = new float[samples * NODES];
        for (int i = 0; i < v.length; i++) {
            v[i] = (random.nextInt(17) - 8) * 0.25f;
        }
        return v;
    }

    private static int[] classes(Random random, int samples) {
        int[] c = new int[samples];
        for (int i = 0; i < samples; i++) {
            c[i] = random.nextInt(K);
        }
        return c;
    }

    @SuppressWarnings("unchecked")
    private static <T> T copy(T value) throws IOException, ClassNotFoundException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (ObjectOutputStream out = new ObjectOutputStream(bytes)) {
            out.writeObject(value);
        }
        try (ObjectInputStream in = new ObjectInputStream(new ByteArrayInputStream(bytes.toByteArray()))) {
            return (T) in.readObject();
        }
    }
}
