package dev.onnxinspect.trainers.export;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import java.nio.FloatBuffer;
import java.util.LinkedHashMap;
import java.util.Map;

/** Runs an exported model in ONNX Runtime and returns every graph output flattened. Test support. */
final class OrtRunner {
    private OrtRunner() {}

    static Map<String, float[]> runAll(byte[] model, float[] inputs, long[] shape) throws OrtException {
        OrtEnvironment env = OrtEnvironment.getEnvironment();
        try (OrtSession.SessionOptions so = new OrtSession.SessionOptions()) {
            so.setIntraOpNumThreads(1);
            try (OrtSession session = env.createSession(model, so);
                    OnnxTensor x = OnnxTensor.createTensor(env, FloatBuffer.wrap(inputs), shape);
                    OrtSession.Result result = session.run(Map.of(OnnxExporter.INPUT, x))) {
                Map<String, float[]> out = new LinkedHashMap<>();
                for (Map.Entry<String, ai.onnxruntime.OnnxValue> e : result) {
                    FloatBuffer buffer = ((OnnxTensor) e.getValue()).getFloatBuffer();
                    float[] values = new float[buffer.remaining()];
                    buffer.get(values);
                    out.put(e.getKey(), values);
                }
                return out;
            }
        }
    }
}
