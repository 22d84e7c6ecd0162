package dev.onnxinspect.ood;

import dev.onnxinspect.onnx.DenseLayer;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * A seeded random "model" for property tests (persistence, threads): features h = relu(gaussian + class offset),
 * logits z = W h + b computed in float, a pattern layer "relu" of 10 units, labels.
 */
final class SyntheticModel {
    static final int CLASSES = 3;
    static final int DIM = 8;
    static final int UNITS = 10;
    final DenseLayer dense;
    private final float[] w;
    private final float[] b;

    SyntheticModel(long seed) {
        Random random = new Random(seed);
        w = new float[CLASSES * DIM];
        for (int k = 0; k < w.length; k++) {
            w[k] = (float) random.nextGaussian();
        }
        b = new float[CLASSES];
        for (int c = 0; c < CLASSES; c++) {
            b[c] = (float) (0.1 * random.nextGaussian());
        }
        dense = new DenseLayer("logits", "penultimate", CLASSES, DIM, w, b);
    }

    /** {@code batches} batches of {@code size} labelled samples; OOD data is shifted by {@code shift}. */
    List<DetectorInput> batches(long seed, int batches, int size, double shift) {
        Random random = new Random(seed);
        List<DetectorInput> out = new ArrayList<>();
        for (int t = 0; t < batches; t++) {
            float[] h = new float[size * DIM];
            float[] z = new float[size * CLASSES];
            float[] act = new float[size * UNITS];
            int[] labels = new int[size];
            for (int i = 0; i < size; i++) {
                labels[i] = random.nextInt(CLASSES);
                for (int j = 0; j < DIM; j++) {
                    double offset = j % CLASSES == labels[i] ? 1.5 : 0;
                    h[i * DIM + j] = (float) Math.max(0, random.nextGaussian() + offset + shift);
                }
                for (int c = 0; c < CLASSES; c++) {
                    float s = b[c];
                    for (int j = 0; j < DIM; j++) {
                        s += w[c * DIM + j] * h[i * DIM + j];
                    }
                    z[i * CLASSES + c] = s;
                }
                for (int u = 0; u < UNITS; u++) {
                    act[i * UNITS + u] =
                            (float) Math.max(0, random.nextGaussian() + (u % CLASSES == labels[i] ? 1 : -1) + shift);
                }
            }
            out.add(DetectorInput.builder(size)
                    .logits(z, CLASSES)
                    .features(h, DIM)
                    .labels(labels)
                    .layer(new dev.onnxinspect.runtime.LayerActivations("relu", act, size, new int[] {UNITS}))
                    .build());
        }
        return out;
    }

    DetectorSuite fitStandardSuite(List<DetectorInput> fit) {
        DetectorSuite.Builder builder = DetectorSuite.standard(dense, CLASSES, List.of("relu"));
        fit.forEach(builder::accept);
        return builder.build();
    }
}
