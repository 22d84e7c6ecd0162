package dev.onnxinspect.runtime;

import java.lang.invoke.VarHandle;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.nio.IntBuffer;
import java.util.Arrays;

/**
 * The activations of one layer for one batch (float32), row-major {@code [samples][units]}: sample i occupies
 * {@code [i * units(), (i + 1) * units())}.
 *
 * <p>Two kinds exist. One built with the public constructor holds a Java array, owned by this object: nobody may
 * change it (it is not copied, for speed). One handed to an {@link dev.onnxinspect.inspect.InspectionHook} by an
 * inspection usually lies in native memory that ONNX Runtime wrote directly ({@link OutputBuffers}), which the
 * inspection reuses for a later batch once every hook has returned: such activations are <b>valid only during
 * the hook call</b>. {@link #values()} copies them into an array this object then owns and keeps (valid for
 * good); any other read after the batch was released throws {@link IllegalStateException} rather than return
 * another batch's values. Hooks that keep activations must call {@link #values()} (or {@link #copy()}) inside
 * the call.
 *
 * <p>The statistics read rows with {@link #readRow} and {@link #readRowBits}, which copy one sample into a
 * caller's scratch array without materialising the whole batch.
 */
public final class LayerActivations {
    /** Per thread, a row in stored order for reading blocked activations in NCHW order (grown when needed). */
    private static final ThreadLocal<float[]> FLOAT_SCRATCH = ThreadLocal.withInitial(() -> new float[0]);

    private static final ThreadLocal<int[]> INT_SCRATCH = ThreadLocal.withInitial(() -> new int[0]);

    private final String layer;
    private final int samples;
    private final int[] unitShape;
    private final int units;
    /** The values on the Java heap: given at construction, or materialised from {@link #buffer} by values(). */
    private volatile float[] array;
    /** The values in a (native-order, usually direct) buffer, or null for an array-backed instance. */
    private final FloatBuffer buffer;
    /** The same bytes as IEEE bit patterns (for {@link #readRowBits}), or null. */
    private final IntBuffer bits;
    /**
     * The channel block of the buffer's layout ({@link ChannelBlocks}): 0 for row-major NCHW, else b for ONNX
     * Runtime's NCHWc layout of a {@code [C, H, W]} unit shape with C a multiple of b. Every read but
     * {@link #readStoredRowBits} presents NCHW order; arrays are always NCHW.
     */
    private final int block;
    /** H * W of a blocked layout (else 1). */
    private final int plane;

    private volatile boolean released;

    /**
     * Activations held in a Java array.
     *
     * @param layer     the tensor name
     * @param values    row-major {@code [samples][units]}; owned by this object from now on
     * @param samples   the number of samples in the batch
     * @param unitShape the shape of one sample's activation, e.g. {@code [128]} or {@code [16, 28, 28]} (C, H, W)
     * @throws InferenceException when the number of values is not samples times the product of the shape
     */
    public LayerActivations(String layer, float[] values, int samples, int[] unitShape) {
        this(layer, values, null, samples, unitShape, values == null ? -1 : values.length, 0);
    }

    private LayerActivations(
            String layer, float[] values, ByteBuffer bytes, int samples, int[] unitShape, long length, int block) {
        if (layer == null || unitShape == null || (values == null && bytes == null) || samples < 0) {
            throw new InferenceException("activations need a layer name, values, a unit shape and samples >= 0;"
                    + " got layer " + layer + ", unit shape " + Arrays.toString(unitShape) + ", samples " + samples);
        }
        long perSample = 1;
        for (int d : unitShape) {
            if (d < 0) {
                throw new InferenceException(
                        "layer " + layer + ": unit shape " + Arrays.toString(unitShape) + " has a negative dimension");
            }
            perSample *= d;
        }
        if (length != perSample * samples) {
            throw new InferenceException("layer " + layer + ": " + samples + " samples of shape "
                    + Arrays.toString(unitShape) + " need " + perSample * samples + " values, got " + length
                    + "; give samples x units values, row-major");
        }
        if (block != 0 && (bytes == null || unitShape.length != 3 || block < 0 || unitShape[0] % block != 0)) {
            throw new InferenceException("layer " + layer + ": a blocked channel layout needs activations in a buffer"
                    + " and a [C, H, W] unit shape with C a multiple of the block, got unit shape "
                    + Arrays.toString(unitShape) + " and block " + block);
        }
        this.block = block;
        this.plane = block == 0 ? 1 : unitShape[1] * unitShape[2];
        this.layer = layer;
        this.samples = samples;
        this.unitShape = unitShape.clone();
        this.units = samples == 0 ? 0 : Math.toIntExact(perSample);
        this.array = values;
        ByteBuffer view = bytes == null ? null : bytes.slice().order(ByteOrder.nativeOrder());
        this.buffer = view == null ? null : view.asFloatBuffer();
        this.bits = view == null ? null : view.asIntBuffer();
    }

    /**
     * Activations that lie in a buffer of native-order float32 values (usually native memory reused for later
     * batches), valid until {@link #release()}. The bytes from the buffer's position to its limit are the batch;
     * they are not copied.
     */
    static LayerActivations ofBuffer(String layer, ByteBuffer values, int samples, int[] unitShape) {
        return ofBuffer(layer, values, samples, unitShape, 0);
    }

    /**
     * As {@link #ofBuffer(String, ByteBuffer, int, int[])} for a buffer in ONNX Runtime's blocked channel layout
     * with channel block {@code block} (0: NCHW).
     */
    static LayerActivations ofBuffer(String layer, ByteBuffer values, int samples, int[] unitShape, int block) {
        if (values.remaining() % Float.BYTES != 0) {
            throw new IllegalArgumentException("layer " + layer + ": a buffer of " + values.remaining()
                    + " bytes does not hold whole float32 values");
        }
        return new LayerActivations(layer, null, values, samples, unitShape, values.remaining() / Float.BYTES, block);
    }

    /** Marks buffer-backed activations as no longer readable (their memory is about to be reused). */
    void release() {
        released = true;
    }

    /** The tensor name. */
    public String layer() {
        return layer;
    }

    /** The number of samples in the batch. */
    public int samples() {
        return samples;
    }

    /** The shape of one sample's activation, e.g. {@code [128]} or {@code [16, 28, 28]} (C, H, W); a copy. */
    public int[] unitShape() {
        return unitShape.clone();
    }

    /** Number of values per sample (the product of the unit shape; 0 for an empty batch). */
    public int units() {
        return units;
    }

    /**
     * All values, row-major {@code [samples][units]}, in an array nobody may change. For activations in native
     * memory the first call copies them into an array this object keeps, so the array stays valid after the hook
     * returns.
     *
     * @throws IllegalStateException when the activations lay in reused memory and their batch was released before
     *                               they were ever copied
     */
    public float[] values() {
        float[] values = array;
        if (values != null) {
            return values;
        }
        synchronized (this) {
            if (array == null) {
                array = copyOfBuffer();
            }
            return array;
        }
    }

    /** An array-backed copy, valid for good. */
    public LayerActivations copy() {
        float[] values = array;
        return new LayerActivations(layer, values != null ? values.clone() : copyOfBuffer(), samples, unitShape);
    }

    /**
     * An array-backed copy of the samples marked in {@code keep}, in order (valid for good).
     *
     * @param keep per sample, whether it stays (length at least {@link #samples()})
     * @throws IllegalStateException as {@link #values()}
     */
    public LayerActivations select(boolean[] keep) {
        int kept = 0;
        for (int i = 0; i < samples; i++) {
            kept += keep[i] ? 1 : 0;
        }
        float[] out = new float[kept * units];
        float[] row = new float[units];
        int to = 0;
        for (int i = 0; i < samples; i++) {
            if (keep[i]) {
                readRow(i, row);
                System.arraycopy(row, 0, out, to * units, units);
                to++;
            }
        }
        return new LayerActivations(layer, out, kept, unitShape.clone());
    }

    private float[] copyOfBuffer() {
        checkReadable();
        float[] copy = new float[buffer.remaining()];
        buffer.get(0, copy);
        checkStillReadable();
        if (block == 0) {
            return copy;
        }
        return ChannelBlocks.unblockBatch(copy, samples, unitShape[0], plane, block);
    }

    /** Whether the values are in a Java array (given, or copied there by {@link #values()}). */
    public boolean inArray() {
        return array != null;
    }

    /** The activation of unit j for sample i. */
    public float value(int i, int j) {
        float[] values = array;
        if (values != null) {
            return values[i * units + j];
        }
        checkReadable();
        float v = buffer.get(i * units + ChannelBlocks.storedIndex(j, plane, block));
        checkStillReadable();
        return v;
    }

    /**
     * Copies sample i's {@link #units()} values into {@code dst[0 .. units())}.
     *
     * @throws IllegalStateException as {@link #values()}
     */
    public void readRow(int i, float[] dst) {
        checkRow(i, dst.length);
        float[] values = array;
        if (values != null) {
            System.arraycopy(values, i * units, dst, 0, units);
        } else if (block == 0) {
            checkReadable();
            buffer.get(i * units, dst, 0, units);
            checkStillReadable();
        } else {
            float[] stored = FLOAT_SCRATCH.get();
            if (stored.length < units) {
                stored = new float[units];
                FLOAT_SCRATCH.set(stored);
            }
            checkReadable();
            buffer.get(i * units, stored, 0, units);
            checkStillReadable();
            ChannelBlocks.unblock(stored, 0, dst, 0, unitShape[0], plane, block);
        }
    }

    /**
     * Copies the IEEE 754 bit patterns ({@link Float#floatToRawIntBits}) of sample i's {@link #units()} values into
     * {@code dst[0 .. units())}: a plain memory copy for activations in native memory, which lets the statistics
     * work on {@code int} rows that the JIT can vectorise.
     *
     * @throws IllegalStateException as {@link #values()}
     */
    public void readRowBits(int i, int[] dst) {
        checkRow(i, dst.length);
        float[] values = array;
        int start = i * units;
        if (values != null) {
            for (int j = 0; j < units; j++) {
                dst[j] = Float.floatToRawIntBits(values[start + j]);
            }
        } else if (block == 0) {
            checkReadable();
            bits.get(start, dst, 0, units);
            checkStillReadable();
        } else {
            int[] stored = INT_SCRATCH.get();
            if (stored.length < units) {
                stored = new int[units];
                INT_SCRATCH.set(stored);
            }
            checkReadable();
            bits.get(start, stored, 0, units);
            checkStillReadable();
            ChannelBlocks.unblock(stored, dst, unitShape[0], plane, block);
        }
    }

    /**
     * The channel block of the order {@link #readStoredRowBits} reads in: 0 for NCHW, else b for ONNX Runtime's
     * blocked layout (neuron {@code j} at {@link ChannelBlocks#storedIndex ChannelBlocks.storedIndex(j, H * W, b)}).
     * Nonzero only for activations an inspection hands over from a session with
     * {@link SessionConfig#blockedChannels()}.
     */
    public int channelBlock() {
        return block;
    }

    /**
     * As {@link #readRowBits} in the order the values are stored ({@link #channelBlock()}), a plain memory copy;
     * for statistics that count per neuron and reorder their counts once at the end, or do not depend on the order.
     *
     * @throws IllegalStateException as {@link #values()}
     */
    public void readStoredRowBits(int i, int[] dst) {
        if (block == 0) {
            readRowBits(i, dst);
            return;
        }
        checkRow(i, dst.length);
        float[] values = array;
        if (values != null) {
            int start = i * units;
            for (int j = 0; j < units; j++) {
                dst[ChannelBlocks.storedIndex(j, plane, block)] = Float.floatToRawIntBits(values[start + j]);
            }
            return;
        }
        checkReadable();
        bits.get(i * units, dst, 0, units);
        checkStillReadable();
    }

    private void checkRow(int i, int capacity) {
        if (i < 0 || i >= samples) {
            throw new IndexOutOfBoundsException(
                    "sample " + i + " of layer " + layer + ", which has " + samples + " samples");
        }
        if (capacity < units) {
            throw new IllegalArgumentException(
                    "a row of layer " + layer + " has " + units + " values; the array" + " holds only " + capacity);
        }
    }

    private void checkReadable() {
        if (released) {
            throw new IllegalStateException("the activations of layer " + layer + " lay in memory that the"
                    + " inspection reuses and were released when the hook returned; a hook that keeps activations"
                    + " must call values() or copy() while it runs");
        }
    }

    /**
     * After a read from the buffer: if the batch was released meanwhile (a reader racing with the end of the hook
     * call, e.g. a pool thread a hook did not wait for), the values read may be another batch's, so fail. The
     * fence keeps the buffer reads before this second read of the flag.
     */
    private void checkStillReadable() {
        VarHandle.acquireFence();
        checkReadable();
    }

    @Override
    public String toString() {
        return "LayerActivations[" + layer + ", " + samples + " samples of " + Arrays.toString(unitShape)
                + (block == 0 ? "" : ", stored in channel blocks of " + block)
                + (buffer == null
                        ? ""
                        : array != null
                                ? ", copied from native memory"
                                : released ? ", released" : ", in native memory")
                + "]";
    }
}
