package dev.onnxinspect.trainers.export;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OnnxValue;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import dev.onnxinspect.trainers.arch.TextClassifier;
import java.nio.FloatBuffer;
import java.nio.LongBuffer;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Runs an exported text classifier in ONNX Runtime directly (OrtSession, not the library's session) on n sequences
 * of T tokens and returns every graph output flattened, in graph output order. Test support.
 */
public final class OrtTextRunner {
    private OrtTextRunner() {}

    /**
     * Runs the model on n sequences.
     *
     * @param ids  n x T token ids, row-major
     * @param mask n x T mask values, row-major
     */
    public static Map<String, float[]> runAll(byte[] model, long[] ids, long[] mask, int n) throws OrtException {
        OrtEnvironment env = OrtEnvironment.getEnvironment();
        long[] shape = {n, ids.length / n};
        try (OrtSession.SessionOptions so = new OrtSession.SessionOptions()) {
            so.setIntraOpNumThreads(1);
            try (OrtSession session = env.createSession(model, so);
                    OnnxTensor idsTensor = OnnxTensor.createTensor(env, LongBuffer.wrap(ids), shape);
                    OnnxTensor maskTensor = OnnxTensor.createTensor(env, LongBuffer.wrap(mask), shape);
                    OrtSession.Result result = session.run(
                            Map.of(TextClassifier.INPUT_IDS, idsTensor, TextClassifier.ATTENTION_MASK, maskTensor))) {
                Map<String, float[]> out = new LinkedHashMap<>();
                for (Map.Entry<String, OnnxValue> e : result) {
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
