package dev.onnxinspect.ood;

import java.io.Serializable;
import java.util.Arrays;

/** Append-only primitive arrays for the fit sets that detectors must keep (KNN, ViM, ReAct). Not thread-safe. */
final class GrowableArrays {
    private GrowableArrays() {}

    /** An append-only float array. */
    static final class Floats implements Serializable {
        private float[] values = new float[1024];
        private int size;

        void add(float v) {
            if (size == values.length) {
                grow(size + 1);
            }
            values[size++] = v;
        }

        void addAll(float[] src, int from, int length) {
            if (size + length > values.length) {
                grow(size + length);
            }
            System.arraycopy(src, from, values, size, length);
            size += length;
        }

        void addAll(Floats other) {
            addAll(other.values, 0, other.size);
        }

        int size() {
            return size;
        }

        /** A copy of the values, trimmed. */
        float[] toArray() {
            return Arrays.copyOf(values, size);
        }

        private void grow(long needed) {
            long capacity = Math.max(needed, (long) values.length * 2);
            if (capacity > Integer.MAX_VALUE - 8) {
                if (needed > Integer.MAX_VALUE - 8) {
                    throw new OodException("the fit set is too large to keep in one array (" + needed + " values);"
                            + " fit on fewer samples");
                }
                capacity = Integer.MAX_VALUE - 8;
            }
            values = Arrays.copyOf(values, (int) capacity);
        }
    }

    /** An append-only double array. */
    static final class Doubles implements Serializable {
        private double[] values = new double[1024];
        private int size;

        void add(double v) {
            if (size == values.length) {
                grow(size + 1);
            }
            values[size++] = v;
        }

        void addAll(double[] src, int from, int length) {
            if (size + length > values.length) {
                grow(size + length);
            }
            System.arraycopy(src, from, values, size, length);
            size += length;
        }

        void addAll(Doubles other) {
            addAll(other.values, 0, other.size);
        }

        int size() {
            return size;
        }

        double[] toArray() {
            return Arrays.copyOf(values, size);
        }

        private void grow(long needed) {
            long capacity = Math.max(needed, (long) values.length * 2);
            if (needed > Integer.MAX_VALUE - 8) {
                throw new OodException("the fit set is too large to keep in one array (" + needed + " values);"
                        + " fit on fewer samples");
            }
            values = Arrays.copyOf(values, (int) Math.min(capacity, Integer.MAX_VALUE - 8));
        }
    }
}
