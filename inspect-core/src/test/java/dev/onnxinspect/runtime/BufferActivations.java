package dev.onnxinspect.runtime;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/** Builds buffer-backed {@link LayerActivations} (as an inspection hands to its hooks) for tests elsewhere. */
public final class BufferActivations {
    private BufferActivations() {}

    /** Activations that lie in a direct, native-order buffer holding a copy of {@code values}. */
    public static LayerActivations of(String layer, float[] values, int samples, int[] unitShape) {
        ByteBuffer bytes =
                ByteBuffer.allocateDirect(values.length * Float.BYTES).order(ByteOrder.nativeOrder());
        bytes.asFloatBuffer().put(values);
        return LayerActivations.ofBuffer(layer, bytes, samples, unitShape);
    }

    /**
     * Activations of a {@code [C, H, W]} layer stored as ONNX Runtime's blocked channel layout stores them (channel
     * block {@code block}, see {@link ChannelBlocks}), made from {@code values} in NCHW order.
     */
    public static LayerActivations blocked(String layer, float[] values, int samples, int[] unitShape, int block) {
        int units = values.length / Math.max(samples, 1);
        int plane = unitShape[1] * unitShape[2];
        float[] stored = new float[values.length];
        for (int i = 0; i < samples; i++) {
            for (int j = 0; j < units; j++) {
                stored[i * units + ChannelBlocks.storedIndex(j, plane, block)] = values[i * units + j];
            }
        }
        ByteBuffer bytes =
                ByteBuffer.allocateDirect(stored.length * Float.BYTES).order(ByteOrder.nativeOrder());
        bytes.asFloatBuffer().put(stored);
        return LayerActivations.ofBuffer(layer, bytes, samples, unitShape, block);
    }
}
