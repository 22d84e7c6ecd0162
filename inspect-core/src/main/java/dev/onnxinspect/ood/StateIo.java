package dev.onnxinspect.ood;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.util.Arrays;

/** Array reading and writing for the detector file format ({@link DetectorFiles}); lengths precede values. */
final class StateIo {
    private static final int MAX_LENGTH = Integer.MAX_VALUE - 8;
    /**
     * Arrays grow from this length as their values are read, doubling, so that a damaged length cannot allocate more
     * than about twice what the file really holds (it ends in an {@link java.io.EOFException} first).
     */
    private static final int CHUNK = 1 << 16;

    private StateIo() {}

    static void writeDoubles(DataOutputStream out, double[] values) throws IOException {
        out.writeInt(values.length);
        for (double v : values) {
            out.writeDouble(v);
        }
    }

    static double[] readDoubles(DataInputStream in) throws IOException {
        int n = readLength(in);
        double[] values = new double[Math.min(n, CHUNK)];
        for (int k = 0; k < n; k++) {
            if (k == values.length) {
                values = Arrays.copyOf(values, (int) Math.min(n, 2L * values.length));
            }
            values[k] = in.readDouble();
        }
        return values;
    }

    static void writeFloats(DataOutputStream out, float[] values) throws IOException {
        out.writeInt(values.length);
        for (float v : values) {
            out.writeFloat(v);
        }
    }

    static float[] readFloats(DataInputStream in) throws IOException {
        int n = readLength(in);
        float[] values = new float[Math.min(n, CHUNK)];
        for (int k = 0; k < n; k++) {
            if (k == values.length) {
                values = Arrays.copyOf(values, (int) Math.min(n, 2L * values.length));
            }
            values[k] = in.readFloat();
        }
        return values;
    }

    static void writeLongs(DataOutputStream out, long[] values) throws IOException {
        out.writeInt(values.length);
        for (long v : values) {
            out.writeLong(v);
        }
    }

    static long[] readLongs(DataInputStream in) throws IOException {
        int n = readLength(in);
        long[] values = new long[Math.min(n, CHUNK)];
        for (int k = 0; k < n; k++) {
            if (k == values.length) {
                values = Arrays.copyOf(values, (int) Math.min(n, 2L * values.length));
            }
            values[k] = in.readLong();
        }
        return values;
    }

    static void writeInts(DataOutputStream out, int[] values) throws IOException {
        out.writeInt(values.length);
        for (int v : values) {
            out.writeInt(v);
        }
    }

    static int[] readInts(DataInputStream in) throws IOException {
        int n = readLength(in);
        int[] values = new int[Math.min(n, CHUNK)];
        for (int k = 0; k < n; k++) {
            if (k == values.length) {
                values = Arrays.copyOf(values, (int) Math.min(n, 2L * values.length));
            }
            values[k] = in.readInt();
        }
        return values;
    }

    private static int readLength(DataInputStream in) throws IOException {
        int n = in.readInt();
        if (n < 0 || n > MAX_LENGTH) {
            // the content is wrong, not the file system: a bad input, not an I/O error
            throw new OodException("a detector file holds the array length " + n + ", which no saved detector has:"
                    + " the file is damaged or not a detector file; fit and save the detectors again");
        }
        return n;
    }
}
