package dev.onnxinspect.guard;

import dev.onnxinspect.data.Batch;
import dev.onnxinspect.data.DataSource;
import dev.onnxinspect.data.InputSpec;
import dev.onnxinspect.data.InputTensor;
import java.lang.reflect.Array;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;

/**
 * One side of a deterministic split of a data source by sample index, streamed: with every m, sample i (0-based, in
 * the source's order) is held out for calibration when {@code i % m == m - 1} and used for fitting otherwise, so
 * a share of 1/m is held out (e.g. m = 10: samples 9, 19, 29, ...). The two sides never share a sample.
 *
 * <p>Choice: every m-th sample rather than the last n/m: a stream of unknown length can be split without a first
 * pass, and a source ordered by class (or by time) gives a calibration share that spans the whole of it.
 */
final class HoldoutSource implements DataSource {
    private final DataSource source;
    private final int every;
    private final boolean calibration;

    private HoldoutSource(DataSource source, int every, boolean calibration) {
        if (every < 2) {
            throw new GuardException("a calibration hold-out takes every m-th fit sample with m >= 2, got " + every
                    + "; e.g. 10 holds out 10% of the fit set");
        }
        this.source = source;
        this.every = every;
        this.calibration = calibration;
    }

    /** The samples kept for fitting: those with {@code i % every != every - 1}. */
    static HoldoutSource fitPart(DataSource source, int every) {
        return new HoldoutSource(source, every, false);
    }

    /** The samples held out for calibration: those with {@code i % every == every - 1}. */
    static HoldoutSource calibrationPart(DataSource source, int every) {
        return new HoldoutSource(source, every, true);
    }

    private boolean kept(long index) {
        return (index % every == every - 1) == calibration;
    }

    @Override
    public String name() {
        return source.name()
                + (calibration ? "[i%" + every + "==" + (every - 1) + "]" : "[i%" + every + "!=" + (every - 1) + "]");
    }

    @Override
    public int[] sampleShape() {
        return source.sampleShape();
    }

    @Override
    public List<InputSpec> inputs() {
        return source.inputs();
    }

    @Override
    public long size() {
        long n = source.size();
        if (n < 0) {
            return -1;
        }
        long held = n / every;
        return calibration ? held : n - held;
    }

    @Override
    public boolean labelled() {
        return source.labelled();
    }

    @Override
    public Iterator<Batch> batches(int batchSize) {
        Iterator<Batch> in = source.batches(batchSize);
        return new Iterator<>() {
            private long next; // index of the first sample of the next source batch
            private Batch pending;

            @Override
            public boolean hasNext() {
                while (pending == null && in.hasNext()) {
                    Batch b = in.next();
                    pending = select(b, next);
                    next += b.size();
                }
                return pending != null;
            }

            @Override
            public Batch next() {
                if (!hasNext()) {
                    throw new NoSuchElementException();
                }
                Batch b = pending;
                pending = null;
                return b;
            }
        };
    }

    /** The kept samples of a batch whose first sample has index {@code first}, or null when none is kept. */
    private Batch select(Batch b, long first) {
        int[] rows = new int[b.size()];
        int kept = 0;
        for (int i = 0; i < b.size(); i++) {
            if (kept(first + i)) {
                rows[kept++] = i;
            }
        }
        if (kept == 0) {
            return null;
        }
        List<InputTensor> inputs = new ArrayList<>();
        for (InputTensor t : b.inputs()) {
            int stride = Math.toIntExact(t.sampleSize());
            Object data = Array.newInstance(t.data().getClass().getComponentType(), kept * stride);
            for (int r = 0; r < kept; r++) {
                System.arraycopy(t.data(), rows[r] * stride, data, r * stride, stride);
            }
            long[] shape = t.shape().clone();
            shape[0] = kept;
            inputs.add(new InputTensor(t.name(), t.type(), shape, data));
        }
        int[] labels = null;
        if (b.labels() != null) {
            labels = new int[kept];
            for (int r = 0; r < kept; r++) {
                labels[r] = b.labels()[rows[r]];
            }
        }
        return new Batch(kept, inputs, labels);
    }

    @Override
    public String toString() {
        return "HoldoutSource[" + name() + "]";
    }
}
