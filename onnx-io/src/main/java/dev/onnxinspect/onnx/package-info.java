/**
 * Reading, describing, instrumenting and saving ONNX models, with protobuf as the only dependency.
 *
 * <ul>
 *   <li>{@link dev.onnxinspect.onnx.OnnxModel}: load (path, bytes, stream; external data resolved inside the
 *       model's directory), validate, save atomically; immutable.</li>
 *   <li>{@link dev.onnxinspect.onnx.OnnxModel#describe()}: a {@link dev.onnxinspect.onnx.ModelDescription} of
 *       inputs, outputs, nodes in topological order, initializers and opsets.</li>
 *   <li>{@link dev.onnxinspect.onnx.OnnxModel#instrument(java.util.List)}: the "hooks" — intermediate tensors
 *       chosen by {@link dev.onnxinspect.onnx.TensorSelector}s become extra graph outputs, without changing what the
 *       model computes (checked against ONNX Runtime on the ONNX backend test models).</li>
 *   <li>{@link dev.onnxinspect.onnx.OnnxModel#initializer(String)},
 *       {@link dev.onnxinspect.onnx.OnnxModel#denseLayer(String)},
 *       {@link dev.onnxinspect.onnx.OnnxModel#lastDenseLayer()}: weights as float32, dense layers as
 *       {@link dev.onnxinspect.onnx.DenseLayer} (SPEC §3, §5).</li>
 * </ul>
 *
 * <p>Errors: {@link dev.onnxinspect.onnx.ModelFormatException} for a file that is not a valid, supported model;
 * {@link dev.onnxinspect.onnx.GraphQueryException} for a question about a valid model that has no answer (unknown
 * tensor, no dense layer). Both extend {@link dev.onnxinspect.OnnxInspectException}; {@link java.io.IOException}
 * only where a file cannot be read or written.
 */
package dev.onnxinspect.onnx;
