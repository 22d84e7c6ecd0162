/**
 * Training on plain arrays ({@link dev.onnxinspect.trainers.train.TrainingData}) with
 * {@link dev.onnxinspect.trainers.train.Trainer}: seeded, per-epoch history (SPEC §11), listeners, early stopping
 * and interruption.
 */
package dev.onnxinspect.trainers.train;
