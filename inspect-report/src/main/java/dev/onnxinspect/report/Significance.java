package dev.onnxinspect.report;

/** Which significance definition (SPEC §1) a frequency chart shows. */
public enum Significance {
    /** S1: a neuron is on when its activation exceeds tau. */
    S1,
    /** S2: the dominant neurons above the first ratio gap larger than eps. */
    S2
}
