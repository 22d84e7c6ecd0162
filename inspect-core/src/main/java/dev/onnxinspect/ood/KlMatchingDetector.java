package dev.onnxinspect.ood;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * KL-Matching (SPEC §5): {@code min_c KL(p || d_c)}, p = softmax(z), d_c the mean softmax of the fit samples
 * <em>predicted</em> as class c (yhat = argmax, ties to the lowest index). Fitted by {@link Accumulator}, which
 * keeps K x K sums only.
 *
 * <p>Choice: a class that no fit sample is predicted as has no d_c and takes no part in the minimum (logged as a
 * warning at fit time); fitting fails when no class has one.
 */
public final class KlMatchingDetector implements PersistentDetector {
    static final String TYPE = "kl_matching";
    private static final Logger LOG = LoggerFactory.getLogger(KlMatchingDetector.class);
    private final int classes;
    /** ln d_c,k for the classes that have a template; null rows for the others. */
    private final double[][] logTemplates;

    private final double[][] templates;

    private KlMatchingDetector(int classes, double[][] templates) {
        this.classes = classes;
        this.templates = templates;
        this.logTemplates = new double[classes][];
        for (int c = 0; c < classes; c++) {
            if (templates[c] != null) {
                logTemplates[c] = new double[classes];
                for (int k = 0; k < classes; k++) {
                    logTemplates[c][k] = Math.log(templates[c][k]);
                }
            }
        }
    }

    /** A fit accumulator for a model with the given number of classes. */
    public static Accumulator accumulator(int classes) {
        return new Accumulator(ClassCount.check(classes));
    }

    /** The template d_c of class c (a copy), or an exception if no fit sample was predicted as c. */
    public double[] template(int c) {
        if (templates[c] == null) {
            throw new OodException("class " + c + " has no KL-Matching template: no fit sample was predicted as it");
        }
        return templates[c].clone();
    }

    @Override
    public String name() {
        return "kl_matching";
    }

    @Override
    public Set<DetectorInputKind> requiredInputs() {
        return Set.of(DetectorInputKind.LOGITS);
    }

    /**
     * KL(p || d_c) = sum_k p_k (ln p_k - ln d_c,k) with ln p from the log-softmax; terms with p_k = 0 are 0
     * (0 ln 0 = 0), and a template entry that is 0 where p_k &gt; 0 gives {@code +infinity}.
     */
    @Override
    public double[] score(DetectorInput input) {
        input.require(DetectorInputKind.LOGITS, name());
        ClassCount.checkLogitWidth(input, classes, name());
        float[] z = input.logitArray();
        double[] logP = new double[classes];
        double[] scores = new double[input.samples()];
        for (int i = 0; i < scores.length; i++) {
            double lse = LogitMath.logSumExp(z, i * classes, classes, 1);
            for (int k = 0; k < classes; k++) {
                logP[k] = z[i * classes + k] - lse;
            }
            double best = Double.POSITIVE_INFINITY;
            for (int c = 0; c < classes; c++) {
                if (logTemplates[c] != null) {
                    double kl = 0;
                    for (int k = 0; k < classes; k++) {
                        double p = Math.exp(logP[k]);
                        if (p > 0) {
                            kl += p * (logP[k] - logTemplates[c][k]);
                        }
                    }
                    best = Math.min(best, kl);
                }
            }
            scores[i] = best;
        }
        return scores;
    }

    @Override
    public String typeId() {
        return TYPE;
    }

    @Override
    public void writeState(DataOutputStream out) throws IOException {
        out.writeInt(classes);
        for (double[] t : templates) {
            out.writeBoolean(t != null);
            if (t != null) {
                StateIo.writeDoubles(out, t);
            }
        }
    }

    static KlMatchingDetector read(DataInputStream in) throws IOException {
        int classes = ClassCount.checkSaved(in.readInt());
        double[][] templates = new double[classes][];
        for (int c = 0; c < classes; c++) {
            if (in.readBoolean()) {
                templates[c] = StateIo.readDoubles(in);
            }
        }
        return new KlMatchingDetector(classes, templates);
    }

    /** Sums the softmax of fit samples per predicted class. Mutable, not thread-safe. */
    public static final class Accumulator implements FitAccumulator<KlMatchingDetector> {
        private final int classes;
        private final double[][] sums;
        private final long[] counts;

        private Accumulator(int classes) {
            this.classes = classes;
            this.sums = new double[classes][classes];
            this.counts = new long[classes];
        }

        @Override
        public void accept(DetectorInput batch) {
            batch.require(DetectorInputKind.LOGITS, "kl_matching fit");
            ClassCount.checkLogitWidth(batch, classes, "kl_matching fit");
            float[] z = batch.logitArray();
            double[] p = new double[classes];
            for (int i = 0; i < batch.samples(); i++) {
                int c = LogitMath.argmax(z, i * classes, classes);
                LogitMath.softmax(z, i * classes, classes, 1, p);
                for (int k = 0; k < classes; k++) {
                    sums[c][k] += p[k];
                }
                counts[c]++;
            }
        }

        @Override
        public void merge(FitAccumulator<KlMatchingDetector> other) {
            if (!(other instanceof Accumulator o) || o.classes != classes) {
                throw new OodException(
                        "can only merge a KL-Matching accumulator for " + classes + " classes, got " + other);
            }
            for (int c = 0; c < classes; c++) {
                for (int k = 0; k < classes; k++) {
                    sums[c][k] += o.sums[c][k];
                }
                counts[c] += o.counts[c];
            }
        }

        @Override
        public KlMatchingDetector result() {
            double[][] templates = new double[classes][];
            boolean[] present = new boolean[classes];
            boolean any = false;
            for (int c = 0; c < classes; c++) {
                if (counts[c] > 0) {
                    present[c] = true;
                    any = true;
                    templates[c] = new double[classes];
                    for (int k = 0; k < classes; k++) {
                        templates[c][k] = sums[c][k] / counts[c];
                    }
                }
            }
            if (!any) {
                throw new OodException("KL-Matching has no fit samples: accept at least one batch of ID logits");
            }
            if (!ClassCount.missing(present).isEmpty()) {
                LOG.warn(
                        "KL-Matching: no fit sample predicted as class(es) {}; they take no part in the minimum",
                        ClassCount.missing(present));
            }
            return new KlMatchingDetector(classes, templates);
        }
    }
}
