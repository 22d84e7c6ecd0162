package dev.onnxinspect.ood;

import dev.onnxinspect.onnx.DenseLayer;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * The OpenOOD parity fixtures ({@code parity/openood-parity.tsv}, written by {@code scripts/parity/openood_parity.py}
 * with OpenOOD's own postprocessors and {@code compute_all_metrics}): one line per array, "name TAB shape TAB values".
 * Float32 arrays are stored as the float64 of their float32 value, so they read back exactly.
 */
final class ParityFixture {
    static final String RESOURCE = "parity/openood-parity.tsv";
    static final int K = 4;
    static final int D = 16;

    private final Map<String, double[]> arrays = new LinkedHashMap<>();

    private ParityFixture() {}

    static ParityFixture load() {
        ParityFixture f = new ParityFixture();
        try (InputStream in = Objects.requireNonNull(ParityFixture.class.getResourceAsStream(RESOURCE), RESOURCE);
                BufferedReader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
            for (String line = r.readLine(); line != null; line = r.readLine()) {
                if (line.startsWith("#") || line.isBlank()) {
                    continue;
                }
                String[] parts = line.split("\t");
                String[] values = parts[2].split(" ");
                double[] a = new double[values.length];
                for (int i = 0; i < a.length; i++) {
                    a[i] = Double.parseDouble(values[i]);
                }
                f.arrays.put(parts[0], a);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return f;
    }

    double[] get(String name) {
        return Objects.requireNonNull(arrays.get(name), name).clone();
    }

    float[] floats(String name) {
        double[] a = get(name);
        float[] out = new float[a.length];
        for (int i = 0; i < a.length; i++) {
            out[i] = (float) a[i];
        }
        return out;
    }

    int[] ints(String name) {
        double[] a = get(name);
        int[] out = new int[a.length];
        for (int i = 0; i < a.length; i++) {
            out[i] = (int) a[i];
        }
        return out;
    }

    /** The features and logits of a set ("fit", "id", "ood"), with its labels where it has them. */
    DetectorInput input(String set) {
        float[] h = floats(set + ".features");
        DetectorInput.Builder b = DetectorInput.builder(h.length / D)
                .logits(floats(set + ".logits"), K)
                .features(h, D);
        if (arrays.containsKey(set + ".labels")) {
            b.labels(ints(set + ".labels"));
        }
        return b.build();
    }

    DenseLayer head() {
        return new DenseLayer("logits", "h", K, D, floats("head.weights"), floats("head.bias"));
    }
}
