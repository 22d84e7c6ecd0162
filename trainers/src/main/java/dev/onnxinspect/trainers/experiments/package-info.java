/**
 * SPEC §11 experiments: label and image corruption, the extreme-overfitting set, grids of configurations x seeds
 * with run directories ({@link dev.onnxinspect.trainers.experiments.ExperimentRunner}), history rows for the
 * {@code training_history} table, and runnable samples (not tests).
 */
package dev.onnxinspect.trainers.experiments;
