package dev.onnxinspect.trainers.train;

/** The optimisers a run can use. */
public enum OptimizerKind {
    /** Plain SGD, optionally with (heavy-ball) momentum. */
    SGD,
    /** Adam with beta1 0.9, beta2 0.999, epsilon 1e-8. */
    ADAM
}
