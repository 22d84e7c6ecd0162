package dev.onnxinspect.ood;

/** Softmax-family arithmetic in float64 on one row of a row-major logits array (SPEC §5). */
final class LogitMath {
    private LogitMath() {}

    /** Index of the largest value in {@code row[from .. from+width)}; ties to the lowest index. */
    static int argmax(float[] row, int from, int width) {
        int best = 0;
        for (int c = 1; c < width; c++) {
            if (row[from + c] > row[from + best]) {
                best = c;
            }
        }
        return best;
    }

    static int argmax(double[] row) {
        int best = 0;
        for (int c = 1; c < row.length; c++) {
            if (row[c] > row[best]) {
                best = c;
            }
        }
        return best;
    }

    /** logsumexp(z / T) over {@code row[from .. from+width)}, computed stably (shifted by the maximum). */
    static double logSumExp(float[] row, int from, int width, double temperature) {
        double max = Double.NEGATIVE_INFINITY;
        for (int c = 0; c < width; c++) {
            max = Math.max(max, row[from + c] / temperature);
        }
        double sum = 0;
        for (int c = 0; c < width; c++) {
            sum += Math.exp(row[from + c] / temperature - max);
        }
        return max + Math.log(sum);
    }

    static double logSumExp(double[] z, double temperature) {
        double max = Double.NEGATIVE_INFINITY;
        for (double v : z) {
            max = Math.max(max, v / temperature);
        }
        double sum = 0;
        for (double v : z) {
            sum += Math.exp(v / temperature - max);
        }
        return max + Math.log(sum);
    }

    /** Energy score -T logsumexp(z / T) of a double logit vector (SPEC §5, Energy). */
    static double energy(double[] z, double temperature) {
        return -temperature * logSumExp(z, temperature);
    }

    /** softmax(z / T) of one row into {@code out}. */
    static void softmax(float[] row, int from, int width, double temperature, double[] out) {
        double lse = logSumExp(row, from, width, temperature);
        for (int c = 0; c < width; c++) {
            out[c] = Math.exp(row[from + c] / temperature - lse);
        }
    }

    /** z = W x + b in float64 for a dense layer stored row-major (W is out x in). */
    static double[] dense(double[] weights, double[] bias, double[] x) {
        int out = bias.length;
        int in = x.length;
        double[] z = new double[out];
        for (int i = 0; i < out; i++) {
            double s = bias[i];
            int row = i * in;
            for (int j = 0; j < in; j++) {
                s += weights[row + j] * x[j];
            }
            z[i] = s;
        }
        return z;
    }
}
