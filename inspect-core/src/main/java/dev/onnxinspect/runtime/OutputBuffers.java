package dev.onnxinspect.runtime;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Native memory that ONNX Runtime writes a batch's outputs into directly ("pinned" outputs), reused batch after
 * batch: a run into these buffers allocates nothing and copies nothing after the model ran, which for a CNN's
 * feature maps saves tens of MB of allocation and copying per batch.
 *
 * <p>Made by {@link InferenceSession#outputBuffers}; filled by {@link InferenceSession#run(dev.onnxinspect.data.Batch,
 * OutputBuffers)}, whose activations stay readable until {@link #release()}; after that the buffers may be filled
 * again. One run at a time per instance (a second run, from any thread, before {@link #release()} is refused); give
 * every thread its own instance. Holds {@link #bytes()} bytes of direct memory (outside the Java heap, counted against
 * {@code -XX:MaxDirectMemorySize}), freed when the instance is garbage collected.
 */
public final class OutputBuffers {
    /** One output's memory and per-sample shape. */
    record Slot(String name, int[] unitShape, int units, ByteBuffer memory) {}

    private final Map<String, Slot> slots;
    private final int capacity;
    private final List<LayerActivations> handedOut = new ArrayList<>();
    /** Whether a run is writing into the buffers or their batch has not been released yet. */
    private boolean busy;

    OutputBuffers(Map<String, int[]> unitShapes, int capacity) {
        if (capacity < 1) {
            throw new InferenceException("output buffers need room for at least one sample, got " + capacity);
        }
        Map<String, Slot> made = new LinkedHashMap<>();
        for (Map.Entry<String, int[]> e : unitShapes.entrySet()) {
            long units = 1;
            for (int d : e.getValue()) {
                units *= d;
            }
            long bytes = units * capacity * Float.BYTES;
            if (bytes > Integer.MAX_VALUE) {
                throw new InferenceException("output " + e.getKey() + " of shape " + Arrays.toString(e.getValue())
                        + " needs " + bytes + " bytes for " + capacity + " samples, more than one buffer holds;"
                        + " use a smaller batch size");
            }
            ByteBuffer memory = ByteBuffer.allocateDirect((int) bytes).order(ByteOrder.nativeOrder());
            made.put(e.getKey(), new Slot(e.getKey(), e.getValue().clone(), (int) units, memory));
        }
        this.slots = Collections.unmodifiableMap(made);
        this.capacity = capacity;
    }

    /** The outputs these buffers receive, in order. */
    public List<String> names() {
        return List.copyOf(slots.keySet());
    }

    /** The most samples one batch may have. */
    public int capacity() {
        return capacity;
    }

    /** The direct memory held, in bytes. */
    public long bytes() {
        long total = 0;
        for (Slot slot : slots.values()) {
            total += slot.memory().capacity();
        }
        return total;
    }

    Map<String, Slot> slots() {
        return slots;
    }

    /** Claims the buffers for one run; false when a run or an unreleased batch holds them. */
    synchronized boolean claim() {
        if (busy) {
            return false;
        }
        busy = true;
        return true;
    }

    /** Gives up a claim after a failed run (nothing was handed out). */
    synchronized void unclaim() {
        busy = false;
    }

    /** Records the activations handed out from the claimed buffers, to be released with them. */
    synchronized void fill(List<LayerActivations> activations) {
        handedOut.addAll(activations);
    }

    /**
     * Ends the current batch: every activation handed out from these buffers becomes unreadable (except those
     * already copied into an array by {@link LayerActivations#values()}), and the buffers may be filled again.
     *
     * @return true when the buffers held a batch (false when they were already free: a second release changes
     *         nothing)
     */
    public synchronized boolean release() {
        for (LayerActivations a : handedOut) {
            a.release();
        }
        handedOut.clear();
        boolean held = busy;
        busy = false;
        return held;
    }
}
