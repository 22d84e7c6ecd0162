package dev.onnxinspect.ood;

import dev.onnxinspect.onnx.DenseLayer;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * ViM (Wang et al., SPEC §5): {@code alpha * ||residual(h - u)|| - logsumexp(z)}.
 * <ul>
 *   <li>u = -W^+ b, W^+ the pseudo-inverse of the last layer's W. Choice: computed as W^T (W W^T)^+ when K &lt;= d,
 *   else (W^T W)^+ W^T, with the SPEC eigenvalue rule applied to that (smaller) Gram matrix;</li>
 *   <li>the eigenvectors of the uncentred second-moment matrix (1/N) sum (h - u)(h - u)^T of the fit features,
 *   eigenvalues descending; r its numerical rank;</li>
 *   <li>D = min(256, floor(d/2)) unless set, reduced to floor(r/2) when D &gt;= r (Choice: a D set by the caller is
 *   reduced the same way); the residual is the projection onto the eigenvectors ranked D+1..r (never the numerical
 *   null space);</li>
 *   <li>alpha = mean max-logit / mean residual norm, both over the fit samples.</li>
 * </ul>
 * The accumulator keeps the fit features (N d floats): alpha needs the residual norms, which need the eigenvectors.
 * The logsumexp term uses the logits of the input (T = 1), not W h + b recomputed. alpha keeps its sign when the
 * mean max-logit is negative; fitting fails when r = 0 or the mean residual norm is 0 (alpha undefined).
 */
public final class VimDetector implements PersistentDetector {
    static final String TYPE = "vim";
    private static final Logger LOG = LoggerFactory.getLogger(VimDetector.class);
    private final DenseWeights dense;
    private final double[] origin;
    /** (r - D) x d row-major: the residual basis. */
    private final double[] residualBasis;

    private final int principalDimension;
    private final int rank;
    private final double alpha;

    private VimDetector(
            DenseWeights dense,
            double[] origin,
            double[] residualBasis,
            int principalDimension,
            int rank,
            double alpha) {
        this.dense = dense;
        this.origin = origin;
        this.residualBasis = residualBasis;
        this.principalDimension = principalDimension;
        this.rank = rank;
        this.alpha = alpha;
    }

    /** A fit accumulator with the SPEC default D = min(256, floor(d/2)). */
    public static Accumulator accumulator(DenseLayer last) {
        return new Accumulator(new DenseWeights(last), -1);
    }

    /** A fit accumulator with principal dimension D (at least 0; still reduced to floor(r/2) when D &gt;= r). */
    public static Accumulator accumulator(DenseLayer last, int principalDimension) {
        if (principalDimension < 0) {
            throw new OodException("ViM principal dimension D must be >= 0, got " + principalDimension);
        }
        return new Accumulator(new DenseWeights(last), principalDimension);
    }

    /** u = -W^+ b (a copy). */
    public double[] origin() {
        return origin.clone();
    }

    /** The D actually used (after the reduction by the rank). */
    public int principalDimension() {
        return principalDimension;
    }

    /** r, the numerical rank of the second-moment matrix. */
    public int rank() {
        return rank;
    }

    public double alpha() {
        return alpha;
    }

    @Override
    public String name() {
        return "vim";
    }

    @Override
    public Set<DetectorInputKind> requiredInputs() {
        return Set.of(DetectorInputKind.LOGITS, DetectorInputKind.FEATURES);
    }

    @Override
    public boolean usesDenseWeights() {
        return true;
    }

    @Override
    public double[] score(DetectorInput input) {
        dense.checkInput(input, name());
        input.require(DetectorInputKind.LOGITS, name());
        int k = input.classes();
        float[] z = input.logitArray();
        double[] scores = new double[input.samples()];
        for (int i = 0; i < scores.length; i++) {
            scores[i] = alpha * residualNorm(input.featureArray(), i) - LogitMath.logSumExp(z, i * k, k, 1);
        }
        return scores;
    }

    private double residualNorm(float[] h, int sample) {
        return residualNorm(h, sample, origin, residualBasis);
    }

    static double residualNorm(float[] h, int sample, double[] origin, double[] basis) {
        int d = origin.length;
        int from = sample * d;
        double sum = 0;
        for (int row = 0; row < basis.length; row += d) {
            double dot = 0;
            for (int j = 0; j < d; j++) {
                dot += basis[row + j] * (h[from + j] - origin[j]);
            }
            sum += dot * dot;
        }
        return Math.sqrt(sum);
    }

    /** u = -W^+ b through the smaller Gram matrix. */
    static double[] origin(DenseWeights w) {
        int kOut = w.out();
        int d = w.in();
        double[] u = new double[d];
        if (kOut <= d) {
            double[] gram = new double[kOut * kOut]; // W W^T
            for (int a = 0; a < kOut; a++) {
                for (int b = 0; b < kOut; b++) {
                    double s = 0;
                    for (int j = 0; j < d; j++) {
                        s += w.weight(a, j) * w.weight(b, j);
                    }
                    gram[a * kOut + b] = s;
                }
            }
            double[] inv = SymmetricEigen.of(gram, kOut).pseudoInverse();
            double[] y = new double[kOut];
            for (int a = 0; a < kOut; a++) {
                for (int b = 0; b < kOut; b++) {
                    y[a] += inv[a * kOut + b] * w.bias(b);
                }
            }
            for (int j = 0; j < d; j++) {
                double s = 0;
                for (int a = 0; a < kOut; a++) {
                    s += w.weight(a, j) * y[a];
                }
                u[j] = -s;
            }
        } else {
            double[] gram = new double[d * d]; // W^T W
            double[] wtb = new double[d];
            for (int p = 0; p < d; p++) {
                for (int q = 0; q < d; q++) {
                    double s = 0;
                    for (int a = 0; a < kOut; a++) {
                        s += w.weight(a, p) * w.weight(a, q);
                    }
                    gram[p * d + q] = s;
                }
                for (int a = 0; a < kOut; a++) {
                    wtb[p] += w.weight(a, p) * w.bias(a);
                }
            }
            double[] inv = SymmetricEigen.of(gram, d).pseudoInverse();
            for (int p = 0; p < d; p++) {
                double s = 0;
                for (int q = 0; q < d; q++) {
                    s += inv[p * d + q] * wtb[q];
                }
                u[p] = -s;
            }
        }
        return u;
    }

    @Override
    public String typeId() {
        return TYPE;
    }

    @Override
    public void writeState(DataOutputStream out) throws IOException {
        dense.write(out);
        StateIo.writeDoubles(out, origin);
        StateIo.writeDoubles(out, residualBasis);
        out.writeInt(principalDimension);
        out.writeInt(rank);
        out.writeDouble(alpha);
    }

    static VimDetector read(DataInputStream in) throws IOException {
        return new VimDetector(
                DenseWeights.read(in),
                StateIo.readDoubles(in),
                StateIo.readDoubles(in),
                in.readInt(),
                in.readInt(),
                in.readDouble());
    }

    /** Keeps the fit features and sums the fit max-logits. Mutable, not thread-safe. */
    public static final class Accumulator implements FitAccumulator<VimDetector> {
        private final DenseWeights dense;
        private final int requestedDimension;
        private final GrowableArrays.Floats features = new GrowableArrays.Floats();
        private double maxLogitSum;
        private long count;

        private Accumulator(DenseWeights dense, int requestedDimension) {
            this.dense = dense;
            this.requestedDimension = requestedDimension;
        }

        @Override
        public void accept(DetectorInput batch) {
            dense.checkInput(batch, "vim fit");
            batch.require(DetectorInputKind.LOGITS, "vim fit");
            float[] h = batch.featureArray();
            features.addAll(h, 0, h.length);
            int k = batch.classes();
            float[] z = batch.logitArray();
            for (int i = 0; i < batch.samples(); i++) {
                maxLogitSum += z[i * k + LogitMath.argmax(z, i * k, k)];
            }
            count += batch.samples();
        }

        @Override
        public void merge(FitAccumulator<VimDetector> other) {
            if (!(other instanceof Accumulator o)
                    || o.requestedDimension != requestedDimension
                    || !o.dense.layer().equals(dense.layer())) {
                throw new OodException("can only merge a ViM accumulator with the same layer and D, got " + other);
            }
            features.addAll(o.features);
            maxLogitSum += o.maxLogitSum;
            count += o.count;
        }

        @Override
        public VimDetector result() {
            if (count == 0) {
                throw new OodException("ViM has no fit samples: accept at least one batch of ID features and logits");
            }
            int d = dense.in();
            double[] u = origin(dense);
            float[] h = features.toArray();
            double[] moment = new double[d * d];
            double[] x = new double[d];
            for (int i = 0; i < count; i++) {
                for (int j = 0; j < d; j++) {
                    x[j] = h[i * d + j] - u[j];
                }
                for (int p = 0; p < d; p++) {
                    for (int q = p; q < d; q++) {
                        moment[p * d + q] += x[p] * x[q];
                    }
                }
            }
            for (int k = 0; k < moment.length; k++) {
                moment[k] /= count;
            }
            SymmetricEigen eigen = SymmetricEigen.of(moment, d); // mirrors the upper triangle
            int r = eigen.rank();
            if (r == 0) {
                throw new OodException("ViM: every fit feature equals u = -W^+ b, so there is no principal subspace;"
                        + " fit on varied ID data");
            }
            int dim = requestedDimension >= 0 ? requestedDimension : Math.min(256, d / 2);
            if (dim >= r) {
                dim = r / 2;
            }
            double[] basis = new double[(r - dim) * d];
            for (int i = dim; i < r; i++) {
                System.arraycopy(eigen.vector(i), 0, basis, (i - dim) * d, d);
            }
            double residualSum = 0;
            for (int i = 0; i < count; i++) {
                residualSum += residualNorm(h, i, u, basis);
            }
            if (!(residualSum > 0)) {
                throw new OodException("ViM: the fit features have no residual outside the principal subspace "
                        + "(mean residual norm 0), so alpha is undefined; lower D");
            }
            double alpha = (maxLogitSum / count) / (residualSum / count);
            LOG.debug("ViM fitted on {} samples: d = {}, rank r = {}, D = {}, alpha = {}", count, d, r, dim, alpha);
            return new VimDetector(dense, u, basis, dim, r, alpha);
        }
    }
}
