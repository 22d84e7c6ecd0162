package dev.onnxinspect.runtime;

/** Where ONNX Runtime executes a model. */
public enum Device {
    /** CUDA when the CUDA execution provider loads, else CPU with one log line saying why. */
    AUTO,
    /** CUDA, or a clear error when it cannot be loaded. */
    CUDA,
    /** CPU only. */
    CPU
}
