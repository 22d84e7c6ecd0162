package dev.onnxinspect.report;

/**
 * The ROC curve of one detector on one (ID, OOD) pair (SPEC §6): one point per distinct threshold, OOD as the
 * positive class (TPR = fraction of OOD flagged, FPR = fraction of ID flagged). Deeply immutable.
 *
 * @param detector   detector name
 * @param layer      layer of a per-layer detector, or {@code null}
 * @param idDataset  in-distribution set
 * @param oodDataset out-of-distribution set
 * @param fpr        false-positive rates in [0, 1]
 * @param tpr        true-positive rates in [0, 1], as many as {@code fpr}, at least one point
 */
public record RocCurve(String detector, String layer, String idDataset, String oodDataset, double[] fpr, double[] tpr) {

    public RocCurve {
        Require.text(detector, "RocCurve.detector");
        if (layer != null) {
            Require.text(layer, "RocCurve.layer of '" + detector + "' (null for a whole-model detector)");
        }
        Require.text(idDataset, "RocCurve.idDataset");
        Require.text(oodDataset, "RocCurve.oodDataset");
        if (fpr == null || tpr == null || fpr.length != tpr.length || fpr.length == 0) {
            throw new ReportException(
                    "RocCurve of '" + detector + "' needs as many FPR as TPR values, at least one; got "
                            + (fpr == null ? "null" : fpr.length) + " and " + (tpr == null ? "null" : tpr.length));
        }
        fpr = Require.matrix(new double[][] {fpr}, 1, 0, 1, "RocCurve.fpr of '" + detector + "'")[0];
        tpr = Require.matrix(new double[][] {tpr}, 1, 0, 1, "RocCurve.tpr of '" + detector + "'")[0];
    }

    public int points() {
        return fpr.length;
    }

    public double fprAt(int point) {
        return fpr[point];
    }

    public double tprAt(int point) {
        return tpr[point];
    }

    /** The detector name with its layer, e.g. "NAP Hamming @ fc1". */
    public String label() {
        return layer == null ? detector : detector + " @ " + layer;
    }

    @Override
    public double[] fpr() {
        return fpr.clone();
    }

    @Override
    public double[] tpr() {
        return tpr.clone();
    }
}
