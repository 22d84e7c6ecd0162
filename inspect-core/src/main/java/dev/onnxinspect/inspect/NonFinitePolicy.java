package dev.onnxinspect.inspect;

import dev.onnxinspect.runtime.LayerActivations;
import java.util.Arrays;
import java.util.Collection;

/**
 * What an inspection does with a sample whose activations contain NaN or an infinity in any output it reads: an
 * inspected layer, the logits or the features the detectors read.
 *
 * <p>{@link #FAIL} (the default) is the behaviour without this option: the layer statistics leave such a sample out
 * of the one layer where it is non-finite and count it there ({@code invalidSamples}), and a detector that reads
 * non-finite logits or features stops the run naming the sample. {@link #SKIP} leaves such a sample out of
 * everything, before any hook sees it: every statistic and every detector then gives exactly what it gives on the
 * data with those samples removed, and the inspection counts them ({@link InspectionSummary#skippedNonFinite()}).
 *
 * <p>Choice: with {@link #SKIP} the kept samples are renumbered (the hooks see sample indices 0, 1, ... over the kept
 * samples, so the results, per-sample indices included, are those of the data without the skipped samples); the
 * source indices of the first skipped samples are logged at WARN. Only the model's outputs are checked, never its
 * inputs.
 */
public enum NonFinitePolicy {
    /** A non-finite activation is handled as without this option (see the class Javadoc). */
    FAIL,
    /** A sample with a non-finite activation in any output read is left out of every hook and counted. */
    SKIP;

    private static final int EXPONENT = 0x7f800000;

    /**
     * Marks the samples of a batch whose values are all finite in every output given.
     *
     * @param outputs  the outputs of one batch, each with {@code samples} rows
     * @param samples  the batch size
     * @param finite   receives, per sample, whether all its values are finite (length at least {@code samples})
     * @return the number of samples with a non-finite value
     */
    public static int markFinite(Collection<LayerActivations> outputs, int samples, boolean[] finite) {
        Arrays.fill(finite, 0, samples, true);
        int[] scratch = new int[0];
        for (LayerActivations a : outputs) {
            int units = a.units();
            if (scratch.length < units) {
                scratch = new int[units];
            }
            for (int i = 0; i < samples; i++) {
                if (!finite[i]) {
                    continue;
                }
                a.readStoredRowBits(i, scratch); // the order does not matter here
                int bad = 0;
                for (int j = 0; j < units; j++) {
                    // the exponent is all ones iff the value is NaN or infinite
                    bad |= (scratch[j] & EXPONENT) == EXPONENT ? 1 : 0;
                }
                finite[i] = bad == 0;
            }
        }
        int skipped = 0;
        for (int i = 0; i < samples; i++) {
            skipped += finite[i] ? 0 : 1;
        }
        return skipped;
    }

    /** Whether every value of sample i of the output is finite. */
    public static boolean rowFinite(LayerActivations a, int i) {
        int[] row = new int[a.units()];
        a.readStoredRowBits(i, row);
        for (int bits : row) {
            if ((bits & EXPONENT) == EXPONENT) {
                return false;
            }
        }
        return true;
    }
}
