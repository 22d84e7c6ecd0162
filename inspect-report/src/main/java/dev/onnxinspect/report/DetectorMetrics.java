package dev.onnxinspect.report;

/**
 * One row of the OOD detector table (SPEC §6), all metrics as fractions in [0, 1].
 *
 * @param detector       detector name, e.g. "Energy"
 * @param layer          the layer of a per-layer detector, or {@code null} for a detector of the whole model
 * @param idDataset      in-distribution evaluation set
 * @param oodDataset     out-of-distribution evaluation set
 * @param auroc          area under the ROC curve
 * @param auprIn         average precision with ID as positive
 * @param auprOut        average precision with OOD as positive
 * @param auprInTrapz    area under the precision-recall curve with ID as positive, trapezoid rule (OpenOOD's)
 * @param auprOutTrapz   the same with OOD as positive
 * @param fpr95Id        fraction of OOD accepted at 95% of ID accepted (ODIN convention)
 * @param fpr95Ood       fraction of ID flagged at 95% of OOD flagged (OpenOOD convention)
 * @param detectionError min over thresholds of the mean of the two error rates, in [0, 0.5]
 * @param nId            ID samples, >= 1
 * @param nOod           OOD samples, >= 1
 */
public record DetectorMetrics(
        String detector,
        String layer,
        String idDataset,
        String oodDataset,
        double auroc,
        double auprIn,
        double auprOut,
        double auprInTrapz,
        double auprOutTrapz,
        double fpr95Id,
        double fpr95Ood,
        double detectionError,
        long nId,
        long nOod) {

    public DetectorMetrics {
        Require.text(detector, "DetectorMetrics.detector");
        if (layer != null) {
            Require.text(layer, "DetectorMetrics.layer of '" + detector + "' (null for a whole-model detector)");
        }
        Require.text(idDataset, "DetectorMetrics.idDataset");
        Require.text(oodDataset, "DetectorMetrics.oodDataset");
        String of = " of detector '" + detector + "'";
        Require.between(auroc, 0, 1, "DetectorMetrics.auroc" + of);
        Require.between(auprIn, 0, 1, "DetectorMetrics.auprIn" + of);
        Require.between(auprOut, 0, 1, "DetectorMetrics.auprOut" + of);
        Require.between(auprInTrapz, 0, 1, "DetectorMetrics.auprInTrapz" + of);
        Require.between(auprOutTrapz, 0, 1, "DetectorMetrics.auprOutTrapz" + of);
        Require.between(fpr95Id, 0, 1, "DetectorMetrics.fpr95Id" + of);
        Require.between(fpr95Ood, 0, 1, "DetectorMetrics.fpr95Ood" + of);
        Require.between(detectionError, 0, 0.5, "DetectorMetrics.detectionError" + of);
        if (nId < 1 || nOod < 1) {
            throw new ReportException(
                    "DetectorMetrics" + of + " needs nId >= 1 and nOod >= 1, got " + nId + " and " + nOod);
        }
    }

    /** The detector name with its layer, e.g. "NAP Hamming @ fc1". */
    public String label() {
        return layer == null ? detector : detector + " @ " + layer;
    }
}
