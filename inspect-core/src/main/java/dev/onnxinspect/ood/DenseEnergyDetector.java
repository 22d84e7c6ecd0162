package dev.onnxinspect.ood;

import java.util.Set;

/**
 * The scoring loop of the detectors that take the energy of the last dense layer applied to changed features
 * (SPEC §5: ReAct, DICE, ASH): for every sample, x = its features h in float64, z = a subclass's {@link #logits}
 * of x (W min(h, r) + b, W' h + b, W h' + b), and the score {@code -T logsumexp(z / T)}. One loop, so that the three
 * detectors sum in the same order as {@link EnergyDetector} and {@link LogitMath#dense}.
 *
 * <p>Holds what all of them hold, the last dense layer's weights and the temperature T; like every detector it is
 * immutable, and {@link #score} keeps its working memory local. Not for ViM, which reads the model's logits and the
 * residual of h rather than an energy of W h' + b.
 */
abstract class DenseEnergyDetector implements PersistentDetector {
    private final DenseWeights dense;
    private final double temperature;

    /** The temperature is checked by the subclass ({@link #checkTemperature}), where its parameters are. */
    DenseEnergyDetector(DenseWeights dense, double temperature) {
        this.dense = dense;
        this.temperature = temperature;
    }

    /**
     * Refuses an energy temperature that is not positive and finite.
     *
     * @param who the detector, as it starts the message, e.g. "ReAct"
     */
    static void checkTemperature(String who, double temperature) {
        if (!(temperature > 0) || Double.isInfinite(temperature)) {
            throw new OodException(who + " energy temperature must be positive and finite, got " + temperature);
        }
    }

    final DenseWeights dense() {
        return dense;
    }

    final double temperature() {
        return temperature;
    }

    @Override
    public final Set<DetectorInputKind> requiredInputs() {
        return Set.of(DetectorInputKind.FEATURES);
    }

    @Override
    public final boolean usesDenseWeights() {
        return true;
    }

    /**
     * The energy of {@link #logits} per sample.
     *
     * @throws OodException if the features do not fit W, or a score is not finite (naming the sample)
     */
    @Override
    public final double[] score(DetectorInput input) {
        dense.checkInput(input, name());
        int d = dense.in();
        float[] h = input.featureArray();
        double[] x = new double[d];
        double[] scratch = new double[d];
        double[] scores = new double[input.samples()];
        for (int i = 0; i < scores.length; i++) {
            for (int j = 0; j < d; j++) {
                x[j] = h[i * d + j];
            }
            double s = LogitMath.energy(logits(x, scratch), temperature);
            if (!Double.isFinite(s)) {
                throw new OodException(name() + " of sample " + i + " is " + s + ": " + overflowAdvice());
            }
            scores[i] = s;
        }
        return scores;
    }

    /**
     * The logits z of one sample (a new array of W's row count).
     *
     * @param x       the sample's features h in float64; may be overwritten
     * @param scratch d doubles of working memory, free to overwrite
     */
    abstract double[] logits(double[] x, double[] scratch);

    /** What the message of a score that is not finite says after the sample (why, and what to do). */
    String overflowAdvice() {
        return "the logits or their energy overflow float64; check the features and the temperature";
    }
}
