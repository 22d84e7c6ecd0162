package dev.onnxinspect.report;

/**
 * One epoch of a training run (SPEC §11), for the optional training-curve chart.
 *
 * @param run           run id; one pair of lines per run
 * @param epoch         epoch number, >= 0
 * @param trainAccuracy in [0, 1]
 * @param testAccuracy  in [0, 1]
 */
public record TrainingEpoch(String run, int epoch, double trainAccuracy, double testAccuracy) {
    public TrainingEpoch {
        Require.text(run, "TrainingEpoch.run");
        if (epoch < 0) {
            throw new ReportException("TrainingEpoch.epoch of run '" + run + "' must be >= 0, got " + epoch);
        }
        Require.between(trainAccuracy, 0, 1, "TrainingEpoch.trainAccuracy of run '" + run + "' epoch " + epoch);
        Require.between(testAccuracy, 0, 1, "TrainingEpoch.testAccuracy of run '" + run + "' epoch " + epoch);
    }
}
