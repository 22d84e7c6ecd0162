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
}
