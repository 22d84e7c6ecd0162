package dev.onnxinspect.ood;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.Serializable;
import java.util.Arrays;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The fit of SPEC §5b temperature scaling, shared by {@code msp_temperature} and {@code entropy_temperature}: keeps
 * the fit logits and labels and finds T* = argmin_T of the mean NLL of softmax(z / T) at the labels.
 *
 * <p>The NLL is convex in beta = 1/T; its derivative is g(beta) = mean_i (sum_c softmax(beta z_i)_c z_ic - z_iy_i),
 * non-decreasing. If g(1) = 0, T* = 1. Otherwise Brent's method finds the root of g(e^t) for t = ln beta on the side
 * of 0 where g changes sign, to 1e-12 in t (1e-12 relative in beta), within t in [-ln 100, ln 100]; when g has the
 * same sign at both ends of that side, the NLL has no minimum in [1/100, 100] and T* is clamped to the nearer end and
 * flagged ({@link FittedTemperature#clamped()}). Choice: g(beta) is evaluated with every logit shifted by its row
 * maximum, so no exp overflows; a fit set whose logits are equal within every row has g = 0 everywhere and T* = 1.
 *
 * <p>Memory: the fit logits (float32, as given) and labels, (K + 1) * 4 bytes per fit sample, since the exact
 * minimiser needs every sample (the NLL has no finite sufficient statistic). Merging appends. Mutable, not
 * thread-safe.
 */
final class TemperatureFit implements Serializable {
    private static final Logger LOG = LoggerFactory.getLogger(TemperatureFit.class);
    static final double TOLERANCE = 1e-12;

    private final int classes;
    private final GrowableArrays.Floats logits = new GrowableArrays.Floats();
    private int[] labels = new int[1024];
    private int samples;

    TemperatureFit(int classes) {
        this.classes = ClassCount.check(classes);
    }

    int classes() {
        return classes;
    }

    void accept(DetectorInput batch, String who) {
        batch.require(DetectorInputKind.LOGITS, who);
        batch.require(DetectorInputKind.LABELS, who);
        ClassCount.checkLogitWidth(batch, classes, who);
        int n = batch.samples();
        for (int i = 0; i < n; i++) {
            ClassCount.checked(batch.label(i), classes, i, "label");
        }
        ensure(samples + (long) n);
        for (int i = 0; i < n; i++) {
            labels[samples + i] = batch.label(i);
        }
        logits.addAll(batch.logitArray(), 0, n * classes);
        samples += n;
    }

    void merge(TemperatureFit other, String who) {
        if (other.classes != classes) {
            throw new OodException("can only merge a " + who + " accumulator for " + classes + " classes, got one for "
                    + other.classes);
        }
        ensure(samples + (long) other.samples);
        System.arraycopy(other.labels, 0, labels, samples, other.samples);
        logits.addAll(other.logits);
        samples += other.samples;
    }

    private void ensure(long size) {
        if (size > Integer.MAX_VALUE - 8) {
            throw new OodException(
                    "the temperature fit set is too large to keep (" + size + " samples); fit on fewer" + " samples");
        }
        if (size > labels.length) {
            labels = Arrays.copyOf(labels, (int) Math.min(Integer.MAX_VALUE - 8, Math.max(size, 2L * labels.length)));
        }
    }

    /** T* of the samples seen so far. */
    FittedTemperature result(String who) {
        if (samples == 0) {
            throw new OodException(who + " has no fit samples to fit the temperature on: accept at least one labelled"
                    + " batch of ID logits");
        }
        float[] z = logits.toArray();
        int[] y = Arrays.copyOf(labels, samples);
        FittedTemperature t = solve(z, y, classes);
        if (t.clamped()) {
            LOG.warn(
                    "{}: the NLL of softmax(z / T) on the fit set has no minimum in [0.01, 100]; T* clamped to {}",
                    who,
                    t.temperature());
        } else {
            LOG.debug("{}: T* = {} on {} fit samples", who, t.temperature(), samples);
        }
        return t;
    }

    /** SPEC §5b T*: see the class comment. */
    static FittedTemperature solve(float[] z, int[] y, int classes) {
        long n = y.length;
        double at1 = derivative(z, y, classes, 1);
        if (at1 == 0) {
            return new FittedTemperature(1, false, n);
        }
        double edge = Math.log(FittedTemperature.MAX);
        // g(1) < 0: the NLL still falls at beta = 1, the minimum lies at a larger beta (t in (0, ln 100])
        double a = 0;
        double b = at1 < 0 ? edge : -edge;
        double end = at1 < 0 ? FittedTemperature.MIN : FittedTemperature.MAX;
        double fb = derivative(z, y, classes, 1 / end);
        if (Math.signum(fb) == Math.signum(at1)) {
            return new FittedTemperature(end, true, n);
        }
        if (fb == 0) {
            return new FittedTemperature(end, false, n);
        }
        double t = brent(a, at1, b, fb, z, y, classes);
        double temperature = Math.min(FittedTemperature.MAX, Math.max(FittedTemperature.MIN, Math.exp(-t)));
        return new FittedTemperature(temperature, false, n);
    }

    /** g(beta) = d/dbeta of the mean NLL of softmax(beta z) at the labels, in float64 (rows shifted by their max). */
    static double derivative(float[] z, int[] y, int classes, double beta) {
        double sum = 0;
        for (int i = 0; i < y.length; i++) {
            int from = i * classes;
            double max = z[from + LogitMath.argmax(z, from, classes)];
            double weights = 0;
            double weighted = 0;
            for (int c = 0; c < classes; c++) {
                double shifted = z[from + c] - max;
                double w = Math.exp(beta * shifted);
                weights += w;
                weighted += w * shifted;
            }
            sum += weighted / weights - (z[from + y[i]] - max);
        }
        return sum / y.length;
    }

    /** Brent's root finder (zeroin) for g(e^t) on [a, b] with g(e^a) = fa and g(e^b) = fb of opposite signs. */
    private static double brent(double a, double fa, double b, double fb, float[] z, int[] y, int classes) {
        double c = a;
        double fc = fa;
        double d = b - a;
        double e = d;
        for (int iteration = 0; iteration < 200; iteration++) {
            if (Math.signum(fb) == Math.signum(fc)) {
                c = a;
                fc = fa;
                d = b - a;
                e = d;
            }
            if (Math.abs(fc) < Math.abs(fb)) {
                a = b;
                b = c;
                c = a;
                fa = fb;
                fb = fc;
                fc = fa;
            }
            double tol = 2 * Math.ulp(1.0) * Math.abs(b) + TOLERANCE / 2;
            double m = (c - b) / 2;
            if (Math.abs(m) <= tol || fb == 0) {
                return b;
            }
            if (Math.abs(e) >= tol && Math.abs(fa) > Math.abs(fb)) {
                double s = fb / fa;
                double p;
                double q;
                if (a == c) {
                    p = 2 * m * s;
                    q = 1 - s;
                } else {
                    double r = fb / fc;
                    q = fa / fc;
                    p = s * (2 * m * q * (q - r) - (b - a) * (r - 1));
                    q = (q - 1) * (r - 1) * (s - 1);
                }
                if (p > 0) {
                    q = -q;
                } else {
                    p = -p;
                }
                if (2 * p < Math.min(3 * m * q - Math.abs(tol * q), Math.abs(e * q))) {
                    e = d;
                    d = p / q;
                } else {
                    d = m;
                    e = d;
                }
            } else {
                d = m;
                e = d;
            }
            a = b;
            fa = fb;
            b += Math.abs(d) > tol ? d : Math.copySign(tol, m);
            fb = derivative(z, y, classes, Math.exp(b));
        }
        throw new IllegalStateException("Brent's method did not converge in 200 steps; it converges in far fewer");
    }

    static void write(DataOutputStream out, FittedTemperature t) throws IOException {
        out.writeDouble(t.temperature());
        out.writeBoolean(t.clamped());
        out.writeLong(t.samples());
    }

    static FittedTemperature read(DataInputStream in) throws IOException {
        return new FittedTemperature(in.readDouble(), in.readBoolean(), in.readLong());
    }
}
