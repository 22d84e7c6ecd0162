package dev.onnxinspect.ood;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.onnxinspect.onnx.DenseLayer;
import dev.onnxinspect.runtime.LayerActivations;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * SPEC §5b NNGuide, Relation and NAC-UE (over h and the dense ReLU layer a behind it) against an independent numpy
 * implementation ({@code bank_reference.py} next to the fixture {@code bank_reference.txt}) on seeded float32 inputs:
 * 40 fit and 15 query samples, d = 6, K = 3, a of 5 units with h = relu(D1 a + b1) (the first sample of each set has
 * h = 0). Tolerances: NNGuide and Relation 1e-12 absolute (float64 sums in another order; the scores are of order
 * 1 to 10); NAC-UE exactly (integer counts divided once, the same interval of every state).
 */
class BankReferenceTest {
    private static Map<String, double[]> ref;

    @BeforeAll
    static void read() throws IOException {
        ref = new LinkedHashMap<>();
        try (InputStream in = BankReferenceTest.class.getResourceAsStream("bank_reference.txt")) {
            for (String line : new String(in.readAllBytes(), StandardCharsets.US_ASCII).split("\n")) {
                String[] parts = line.trim().split(" ");
                double[] values = new double[parts.length - 1];
                for (int i = 1; i < parts.length; i++) {
                    values[i - 1] = Double.parseDouble(parts[i]);
                }
                ref.put(parts[0], values);
            }
        }
    }

    private static float[] floats(String name) {
        double[] v = ref.get(name);
        float[] f = new float[v.length];
        for (int i = 0; i < v.length; i++) {
            f[i] = (float) v[i]; // float32 values written exactly
        }
        return f;
    }

    private static DetectorInput input(String set) {
        float[] a = floats(set + "_a");
        int n = a.length / 5;
        return DetectorInput.builder(n)
                .features(floats(set + "_h"), 6)
                .logits(floats(set + "_z"), 3)
                .layer(new LayerActivations("a", a, n, new int[] {5}))
                .build();
    }

    private static <D extends OodDetector> D fitted(FitAccumulator<D> a) {
        a.accept(input("fit"));
        return a.result();
    }

    @Test
    void nnGuideAndRelationAgreeWithNumpy() {
        DetectorInput q = input("query");
        assertThat(fitted(NnGuideDetector.accumulator()).score(q)).containsExactly(ref.get("nnguide"), within(1e-12));
        assertThat(fitted(RelationDetector.accumulator()).score(q)).containsExactly(ref.get("relation"), within(1e-12));
    }

    @Test
    void nacUeOverTwoLayersAgreesWithNumpyExactly() {
        DenseLayer head = new DenseLayer("logits", "h", 3, 6, floats("W"), floats("b"));
        DenseLayer d1 = new DenseLayer("pre", "a", 6, 5, floats("D1"), floats("b1"));
        NacUeDetector d = fitted(NacUeDetector.accumulator(head, List.of(d1), 50, 100));
        assertThat(d.score(input("query"))).containsExactly(ref.get("nac_ue"));
    }
}
