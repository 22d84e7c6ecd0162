/**
 * A typed builder for ONNX graphs, for exporters: {@link dev.onnxinspect.onnx.graph.GraphBuilder} checks every op's
 * arity, input types and attributes as it is added and produces an {@link dev.onnxinspect.onnx.OnnxModel}.
 * Errors are {@link dev.onnxinspect.onnx.graph.GraphBuildException}s naming the op, the tensor and the problem.
 */
package dev.onnxinspect.onnx.graph;
