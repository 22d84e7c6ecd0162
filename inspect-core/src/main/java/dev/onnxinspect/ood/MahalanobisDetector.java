package dev.onnxinspect.ood;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Mahalanobis (SPEC §5): {@code min_c (h - mu_c)^T Sigma^+ (h - mu_c)} with mu_c the class means of the fit
 * features (true labels), Sigma the shared covariance of the class-centred fit features normalised by N (maximum
 * likelihood) and Sigma^+ its pseudo-inverse (eigenvalues {@code <= d * eps * lambda_max} dropped, so a singular
 * covariance is handled). Scoring projects h once onto the r kept eigenvectors scaled by 1/sqrt(lambda), then takes
 * squared Euclidean distances to the projected means: O(r d + K r) per sample.
 *
 * <p>Choice: a class without fit samples has no mean and takes no part in the minimum (logged as a warning at
 * fit time); fitting fails when there are no samples at all. When the covariance is numerically zero (rank 0,
 * e.g. one sample per class) Sigma^+ = 0 and every score is 0, as the pseudo-inverse defines it.
 */
public final class MahalanobisDetector implements PersistentDetector {
    static final String TYPE = "mahalanobis";
    private static final Logger LOG = LoggerFactory.getLogger(MahalanobisDetector.class);
    private final int classes;
    private final int dim;
    private final double[][] means;
    /** r x d row-major: row i = v_i / sqrt(lambda_i). */
    private final double[] projection;

    private final int rank;
    private final double[][] projectedMeans;

    private MahalanobisDetector(int classes, int dim, double[][] means, double[] projection) {
        this.classes = classes;
        this.dim = dim;
        this.means = means;
        this.projection = projection;
        this.rank = projection.length / dim;
        this.projectedMeans = new double[classes][];
        for (int c = 0; c < classes; c++) {
            if (means[c] != null) {
                projectedMeans[c] = project(means[c]);
            }
        }
    }

    /** A fit accumulator for the given number of classes (labels must lie in [0, classes)). */
    public static Accumulator accumulator(int classes) {
        return new Accumulator(ClassCount.check(classes));
    }

    /** The fitted mean of class c (a copy). */
    public double[] classMean(int c) {
        if (means[c] == null) {
            throw new OodException("class " + c + " had no fit samples, so it has no mean");
        }
        return means[c].clone();
    }

    /** The numerical rank r of the shared covariance. */
    public int covarianceRank() {
        return rank;
    }

    /** Sigma^+, row-major d x d (a new array). */
    public double[] precision() {
        double[] out = new double[dim * dim];
        for (int i = 0; i < rank; i++) {
            for (int p = 0; p < dim; p++) {
                for (int q = 0; q < dim; q++) {
                    out[p * dim + q] += projection[i * dim + p] * projection[i * dim + q];
                }
            }
        }
        return out;
    }

    private double[] project(double[] x) {
        double[] y = new double[rank];
        for (int i = 0; i < rank; i++) {
            double s = 0;
            for (int j = 0; j < dim; j++) {
                s += projection[i * dim + j] * x[j];
            }
            y[i] = s;
        }
        return y;
    }

    @Override
    public String name() {
        return "mahalanobis";
    }

    @Override
    public Set<DetectorInputKind> requiredInputs() {
        return Set.of(DetectorInputKind.FEATURES);
    }

    @Override
    public double[] score(DetectorInput input) {
        input.require(DetectorInputKind.FEATURES, name());
        if (input.featureDim() != dim) {
            throw new OodException(name() + " was fitted on " + dim + " features, the input has " + input.featureDim()
                    + "; pass the same layer's features");
        }
        float[] h = input.featureArray();
        double[] x = new double[dim];
        double[] scores = new double[input.samples()];
        for (int i = 0; i < scores.length; i++) {
            for (int j = 0; j < dim; j++) {
                x[j] = h[i * dim + j];
            }
            double[] y = project(x);
            double best = Double.POSITIVE_INFINITY;
            for (double[] m : projectedMeans) {
                if (m != null) {
                    double s = 0;
                    for (int k = 0; k < rank; k++) {
                        double diff = y[k] - m[k];
                        s += diff * diff;
                    }
                    best = Math.min(best, s);
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
        out.writeInt(dim);
        for (double[] m : means) {
            out.writeBoolean(m != null);
            if (m != null) {
                StateIo.writeDoubles(out, m);
            }
        }
        StateIo.writeDoubles(out, projection);
    }

    static MahalanobisDetector read(DataInputStream in) throws IOException {
        int classes = ClassCount.checkSaved(in.readInt());
        int dim = in.readInt();
        double[][] means = new double[classes][];
        for (int c = 0; c < classes; c++) {
            if (in.readBoolean()) {
                means[c] = StateIo.readDoubles(in);
            }
        }
        return new MahalanobisDetector(classes, dim, means, StateIo.readDoubles(in));
    }

    /**
     * Per-class counts and means and one shared co-moment matrix M2 = sum_c sum_{x in c} (x - mu_c)(x - mu_c)^T.
     * Each batch is centred on its own class means (two passes over the batch) and merged with Chan et al.'s
     * update M2 += M2_b + (n_a n_b / n) (mu_b - mu_a)(mu_b - mu_a)^T per class, so no large sums cancel.
     * Memory: K d + d^2 doubles. Mutable, not thread-safe.
     */
    public static final class Accumulator implements FitAccumulator<MahalanobisDetector> {
        private final int classes;
        private final long[] counts;
        private int dim = -1;
        private double[][] means;
        private double[] m2;

        private Accumulator(int classes) {
            this.classes = classes;
            this.counts = new long[classes];
        }

        @Override
        public void accept(DetectorInput batch) {
            batch.require(DetectorInputKind.FEATURES, "mahalanobis fit");
            batch.require(DetectorInputKind.LABELS, "mahalanobis fit");
            init(batch.featureDim());
            float[] h = batch.featureArray();
            int n = batch.samples();
            long[] nb = new long[classes];
            double[][] mb = new double[classes][];
            for (int i = 0; i < n; i++) {
                int c = ClassCount.checked(batch.label(i), classes, i, "label");
                if (mb[c] == null) {
                    mb[c] = new double[dim];
                }
                nb[c]++;
                for (int j = 0; j < dim; j++) {
                    mb[c][j] += h[i * dim + j];
                }
            }
            for (int c = 0; c < classes; c++) {
                if (mb[c] != null) {
                    for (int j = 0; j < dim; j++) {
                        mb[c][j] /= nb[c];
                    }
                }
            }
            double[] dx = new double[dim];
            for (int i = 0; i < n; i++) {
                double[] mu = mb[batch.label(i)];
                for (int j = 0; j < dim; j++) {
                    dx[j] = h[i * dim + j] - mu[j];
                }
                addOuter(dx, 1);
            }
            mergeMeans(nb, mb);
        }

        @Override
        public void merge(FitAccumulator<MahalanobisDetector> other) {
            if (!(other instanceof Accumulator o) || o.classes != classes) {
                throw new OodException(
                        "can only merge a Mahalanobis accumulator for " + classes + " classes, got " + other);
            }
            if (o.dim < 0) {
                return;
            }
            init(o.dim);
            for (int k = 0; k < m2.length; k++) {
                m2[k] += o.m2[k];
            }
            mergeMeans(o.counts, o.means);
        }

        private void init(int d) {
            if (dim < 0) {
                dim = d;
                means = new double[classes][];
                m2 = new double[d * d];
            } else if (d != dim) {
                throw new OodException("mahalanobis fit: earlier batches had " + dim + " features, this one has " + d);
            }
        }

        /** Chan et al.'s merge of (counts, means) into this accumulator, adding the between-part to M2. */
        private void mergeMeans(long[] nb, double[][] mb) {
            double[] delta = new double[dim];
            for (int c = 0; c < classes; c++) {
                if (nb[c] == 0) {
                    continue;
                }
                if (counts[c] == 0) {
                    means[c] = mb[c].clone();
                    counts[c] = nb[c];
                    continue;
                }
                double na = counts[c];
                double n = na + nb[c];
                for (int j = 0; j < dim; j++) {
                    delta[j] = mb[c][j] - means[c][j];
                }
                addOuter(delta, na * nb[c] / n);
                for (int j = 0; j < dim; j++) {
                    means[c][j] += delta[j] * (nb[c] / n);
                }
                counts[c] += nb[c];
            }
        }

        /** M2 += w x x^T, upper triangle only. */
        private void addOuter(double[] x, double w) {
            for (int p = 0; p < dim; p++) {
                double xp = w * x[p];
                int row = p * dim;
                for (int q = p; q < dim; q++) {
                    m2[row + q] += xp * x[q];
                }
            }
        }

        @Override
        public MahalanobisDetector result() {
            long total = 0;
            boolean[] present = new boolean[classes];
            for (int c = 0; c < classes; c++) {
                total += counts[c];
                present[c] = counts[c] > 0;
            }
            if (total == 0) {
                throw new OodException(
                        "Mahalanobis has no fit samples: accept at least one labelled batch of " + "ID features");
            }
            if (!ClassCount.missing(present).isEmpty()) {
                LOG.warn(
                        "Mahalanobis: class(es) {} have no fit samples; they take no part in the minimum",
                        ClassCount.missing(present));
            }
            double[] sigma = new double[dim * dim];
            for (int p = 0; p < dim; p++) {
                for (int q = p; q < dim; q++) {
                    sigma[p * dim + q] = m2[p * dim + q] / total;
                    sigma[q * dim + p] = sigma[p * dim + q];
                }
            }
            SymmetricEigen eigen = SymmetricEigen.of(sigma, dim);
            int r = eigen.rank();
            double[] projection = new double[r * dim];
            for (int i = 0; i < r; i++) {
                double[] v = eigen.vector(i);
                double scale = 1 / Math.sqrt(eigen.value(i));
                for (int j = 0; j < dim; j++) {
                    projection[i * dim + j] = v[j] * scale;
                }
            }
            LOG.debug("Mahalanobis fitted on {} samples, {} features: covariance rank {}", total, dim, r);
            double[][] copies = new double[classes][];
            for (int c = 0; c < classes; c++) {
                copies[c] = means[c] == null ? null : means[c].clone();
            }
            return new MahalanobisDetector(classes, dim, copies, projection);
        }
    }
}
