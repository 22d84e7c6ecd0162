package dev.onnxinspect.onnx;

/** What kind of value a graph input, output or intermediate carries ({@code TypeProto}'s value case). */
public enum ValueKind {
    TENSOR,
    SPARSE_TENSOR,
    SEQUENCE,
    MAP,
    OPTIONAL,
    OPAQUE,
    /** The model declares no type for the value. */
    UNKNOWN
}
