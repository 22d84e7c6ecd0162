package dev.onnxinspect.ood;

import dev.onnxinspect.onnx.DenseLayer;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.util.Locale;

/**
 * ASH-B / ASH-S / ASH-P (SPEC §5), on the features h of length n: keep the k = n - round(n p) largest entries
 * (p = 0.9 by default; ties at the cut: lower index first), zero the rest, reshape the kept ones by the variant,
 * and score the energy {@code -T logsumexp((W h' + b) / T)}. Not fitted.
 * <ul>
 *   <li>B: every kept entry becomes sum(h) / k (sum over all n entries of the original h);</li>
 *   <li>S: kept entries are scaled by exp(sum(h) / sum(kept));</li>
 *   <li>P: kept entries stay as they are.</li>
 * </ul>
 * Choice: round is half-to-even ({@link Math#rint}), as numpy's {@code np.round} in the ASH reference code.
 * Choice: for ASH-S, when sum(kept) = 0 the kept entries are left unscaled (the factor is undefined).
 * A variant that overflows the logits (e.g. a huge ASH-S factor) throws, naming the sample.
 */
public final class AshDetector extends DenseEnergyDetector {
    static final String TYPE = "ash";
    public static final double DEFAULT_PRUNE_FRACTION = 0.9;

    /** How the kept entries are reshaped. */
    public enum Variant {
        B,
        S,
        P
    }

    private final Variant variant;
    private final double pruneFraction;
    private final int kept;

    private AshDetector(DenseWeights dense, Variant variant, double pruneFraction, double temperature) {
        super(dense, temperature);
        if (!(pruneFraction >= 0 && pruneFraction < 1)) {
            throw new OodException("ASH prune fraction p must lie in [0, 1), got " + pruneFraction);
        }
        checkTemperature("ASH", temperature);
        int n = dense.in();
        this.kept = n - (int) Math.rint(n * pruneFraction);
        if (kept < 1) {
            throw new OodException("ASH with p = " + pruneFraction + " on " + n + " features keeps no entry (k = "
                    + kept + "); lower p");
        }
        this.variant = variant;
        this.pruneFraction = pruneFraction;
    }

    /** ASH with p = 0.9 and T = 1. */
    public static AshDetector create(DenseLayer last, Variant variant) {
        return create(last, variant, DEFAULT_PRUNE_FRACTION, 1);
    }

    /**
     * ASH with explicit parameters.
     *
     * @param pruneFraction p in [0, 1): the fraction of entries zeroed
     * @param temperature   the energy temperature T &gt; 0
     */
    public static AshDetector create(DenseLayer last, Variant variant, double pruneFraction, double temperature) {
        return new AshDetector(new DenseWeights(last), variant, pruneFraction, temperature);
    }

    /** k, the number of kept entries. */
    public int keptCount() {
        return kept;
    }

    @Override
    public String name() {
        return "ash_" + variant.name().toLowerCase(Locale.ROOT);
    }

    /** W h' + b, h' the reshaped features. */
    @Override
    double[] logits(double[] x, double[] scratch) {
        return dense().apply(shape(x, scratch));
    }

    @Override
    String overflowAdvice() {
        return "the reshaped features overflow the logits; use ASH-P or a smaller prune fraction for such features";
    }

    /** The reshaped features h' of one sample (x is overwritten and returned). */
    double[] shape(double[] x, double[] scratch) {
        int n = x.length;
        System.arraycopy(x, 0, scratch, 0, n);
        double cut = Selection.kthSmallest(scratch, n, n - kept); // the k-th largest value
        int above = 0;
        double total = 0;
        for (double v : x) {
            total += v;
            if (v > cut) {
                above++;
            }
        }
        int tiesToKeep = kept - above;
        double keptSum = 0;
        boolean[] keep = new boolean[n];
        for (int j = 0; j < n; j++) {
            if (x[j] > cut || (x[j] == cut && tiesToKeep-- > 0)) {
                keep[j] = true;
                keptSum += x[j];
            }
        }
        double factor = switch (variant) {
            case P -> 1;
            case S -> keptSum == 0 ? 1 : Math.exp(total / keptSum);
            case B -> Double.NaN; // not a factor: every kept entry is set below
        };
        for (int j = 0; j < n; j++) {
            if (!keep[j]) {
                x[j] = 0;
            } else if (variant == Variant.B) {
                x[j] = total / kept;
            } else {
                x[j] *= factor;
            }
        }
        return x;
    }

    @Override
    public String typeId() {
        return TYPE;
    }

    @Override
    public void writeState(DataOutputStream out) throws IOException {
        dense().write(out);
        out.writeUTF(variant.name());
        out.writeDouble(pruneFraction);
        out.writeDouble(temperature());
    }

    static AshDetector read(DataInputStream in) throws IOException {
        DenseWeights dense = DenseWeights.read(in);
        return new AshDetector(dense, Variant.valueOf(in.readUTF()), in.readDouble(), in.readDouble());
    }
}
