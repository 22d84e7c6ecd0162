package dev.onnxinspect.report;

import java.util.List;

/**
 * A matrix of class-wise KL divergences (SPEC §4): entry [r][c] is KL(P_r || Q_c) in nats, P_r the profile of row
 * class r on {@code rowDataset} and Q_c that of column class c on {@code columnDataset}. Within one dataset both
 * datasets are the same; across datasets, each direction is its own matrix (KL is not symmetric). Deeply immutable.
 *
 * @param layer         layer name
 * @param quantity      what the profiles are built from, e.g. "S1 activation frequency"
 * @param rowDataset    dataset of P (rows)
 * @param columnDataset dataset of Q (columns)
 * @param rowClasses    row labels
 * @param columnClasses column labels
 * @param kl            {@code kl[row][column]}, finite and >= 0 (up to rounding: >= -1e-9)
 */
public record KlMatrix(
        String layer,
        String quantity,
        String rowDataset,
        String columnDataset,
        List<String> rowClasses,
        List<String> columnClasses,
        double[][] kl) {

    /** KL is >= 0; a float64 sum of terms can come out a few ulps below. */
    private static final double ROUNDING = 1e-9;

    public KlMatrix {
        Require.text(layer, "KlMatrix.layer");
        Require.text(quantity, "KlMatrix.quantity");
        Require.text(rowDataset, "KlMatrix.rowDataset");
        Require.text(columnDataset, "KlMatrix.columnDataset");
        rowClasses = Require.labels(rowClasses, "KlMatrix.rowClasses");
        columnClasses = Require.labels(columnClasses, "KlMatrix.columnClasses");
        String what = "KlMatrix.kl of layer '" + layer + "' (" + rowDataset + " vs " + columnDataset + ")";
        kl = Require.matrix(kl, rowClasses.size(), -ROUNDING, Double.MAX_VALUE, what);
        if (kl[0].length != columnClasses.size()) {
            throw new ReportException(what + " must have one column per column class (" + columnClasses.size()
                    + "), got " + kl[0].length);
        }
    }

    public double value(int row, int column) {
        return kl[row][column];
    }

    @Override
    public double[][] kl() {
        return Require.deepCopy(kl);
    }
}
