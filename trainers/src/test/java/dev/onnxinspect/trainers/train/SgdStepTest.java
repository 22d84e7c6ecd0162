package dev.onnxinspect.trainers.train;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.onnxinspect.trainers.arch.Mlp;
import dev.onnxinspect.trainers.model.ModelParameters;
import org.junit.jupiter.api.Test;

/**
 * The optimiser steps of a softmax regression (an MLP without hidden layers) on one sample, derived by hand:
 * z = W x + b, p = softmax(z), dL/dz = p - e_y, so dL/dW = (p - e_y) x^T and dL/db = p - e_y; plain SGD with
 * learning rate eta and weight decay lambda updates theta <- theta - eta (g + lambda theta). Each epoch is one step
 * on the one sample, so checkpoint t must equal the t-th hand-computed update exactly (up to float rounding). This
 * also checks that gradients do not accumulate across steps.
 */
class SgdStepTest {
    private static final float[] X = {1f, 2f};
    private static final int LABEL = 0;

    @Test
    void sgdWithWeightDecayFollowsTheHandDerivedUpdates() {
        double eta = 0.5;
        double lambda = 0.1;
        Mlp regression = Mlp.relu(2, 2);
        TrainingData one = new TrainingData(X, new int[] {LABEL}, new int[] {2}, 2);
        TrainingRun run = Trainer.train(
                regression,
                one,
                one,
                TrainingConfig.builder(3)
                        .batchSize(1)
                        .learningRate(eta)
                        .weightDecay(lambda)
                        .seed(4)
                        .build(),
                EpochListener.NONE);

        double[] w = toDouble(run.parameters(0).get("logits.weight").values());
        double[] b = toDouble(run.parameters(0).get("logits.bias").values());
        for (int epoch = 1; epoch <= 3; epoch++) {
            double z0 = w[0] * X[0] + w[1] * X[1] + b[0];
            double z1 = w[2] * X[0] + w[3] * X[1] + b[1];
            double p0 = 1 / (1 + Math.exp(z1 - z0));
            double[] delta = {p0 - 1, (1 - p0) - 0}; // p - e_0
            for (int i = 0; i < 2; i++) {
                for (int j = 0; j < 2; j++) {
                    w[i * 2 + j] -= eta * (delta[i] * X[j] + lambda * w[i * 2 + j]);
                }
                b[i] -= eta * (delta[i] + lambda * b[i]);
            }
            ModelParameters actual = run.parameters(epoch);
            float[] aw = actual.get("logits.weight").values();
            float[] ab = actual.get("logits.bias").values();
            for (int k = 0; k < 4; k++) {
                assertThat((double) aw[k]).as("epoch " + epoch + " w" + k).isCloseTo(w[k], within(1e-5));
            }
            for (int k = 0; k < 2; k++) {
                assertThat((double) ab[k]).as("epoch " + epoch + " b" + k).isCloseTo(b[k], within(1e-5));
            }
            // the recorded training loss is -log p_y of the model after the step, recomputed next iteration
        }
        double z0 = w[0] * X[0] + w[1] * X[1] + b[0];
        double z1 = w[2] * X[0] + w[3] * X[1] + b[1];
        double expectedLoss = Math.log(1 + Math.exp(z1 - z0)); // -log softmax(z)_0
        assertThat(run.finalRecord().trainLoss()).isCloseTo(expectedLoss, within(1e-5));
        assertThat(run.finalRecord().trainAccuracy()).isEqualTo(z0 >= z1 ? 1.0 : 0.0);
    }

    private static double[] toDouble(float[] values) {
        double[] d = new double[values.length];
        for (int i = 0; i < values.length; i++) {
            d[i] = values[i];
        }
        return d;
    }
}
