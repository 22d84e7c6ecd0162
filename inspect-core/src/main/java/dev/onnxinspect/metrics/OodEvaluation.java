package dev.onnxinspect.metrics;

import java.util.Objects;

/**
 * The SPEC §6 metrics of one detector on one (ID set, OOD set) pair. Immutable: the ROC curve copies its arrays.
 *
 * @param auroc          P(OOD score > ID score) + 0.5 P(equal), in [0, 1]
 * @param auprIn         average precision with ID positive, ranked by -score
 * @param auprOut        average precision with OOD positive, ranked by score
 * @param auprInTrapz    area under the precision-recall curve with ID positive, trapezoid rule (SPEC §6,
 *                       {@code aupr_in_trapz}: OpenOOD's and pytorch-ood's convention)
 * @param auprOutTrapz   the same with OOD positive ({@code aupr_out_trapz})
 * @param fpr95Id        fraction of OOD accepted at the threshold accepting at least 95% of ID (ODIN convention)
 * @param fpr95Ood       fraction of ID flagged at the threshold flagging at least 95% of OOD (OpenOOD convention)
 * @param detectionError min over thresholds of 0.5 (P_ID(score >= t) + P_OOD(score < t))
 * @param nId            number of ID scores
 * @param nOod           number of OOD scores
 * @param roc            the ROC curve (OOD positive)
 */
public record OodEvaluation(
        double auroc,
        double auprIn,
        double auprOut,
        double auprInTrapz,
        double auprOutTrapz,
        double fpr95Id,
        double fpr95Ood,
        double detectionError,
        int nId,
        int nOod,
        RocCurve roc) {
    public OodEvaluation {
        Objects.requireNonNull(roc, "roc");
        checkUnit("auroc", auroc);
        checkUnit("auprIn", auprIn);
        checkUnit("auprOut", auprOut);
        checkUnit("auprInTrapz", auprInTrapz);
        checkUnit("auprOutTrapz", auprOutTrapz);
        checkUnit("fpr95Id", fpr95Id);
        checkUnit("fpr95Ood", fpr95Ood);
        if (!(detectionError >= 0 && detectionError <= 0.5)) {
            throw new MetricsException("detection error must lie in [0, 0.5], got " + detectionError);
        }
        if (nId <= 0 || nOod <= 0) {
            throw new MetricsException("an evaluation needs ID and OOD samples, got nId=" + nId + ", nOod=" + nOod);
        }
    }

    private static void checkUnit(String name, double value) {
        if (!(value >= 0 && value <= 1)) {
            throw new MetricsException(name + " must lie in [0, 1], got " + value);
        }
    }
}
