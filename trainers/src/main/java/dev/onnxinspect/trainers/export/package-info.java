/**
 * Instrumented ONNX export of architectures with given or trained parameters
 * ({@link dev.onnxinspect.trainers.export.OnnxExporter}) and per-epoch checkpoint files
 * ({@link dev.onnxinspect.trainers.export.OnnxCheckpointWriter}).
 */
package dev.onnxinspect.trainers.export;
