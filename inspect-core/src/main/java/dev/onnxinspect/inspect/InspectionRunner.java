package dev.onnxinspect.inspect;

import dev.onnxinspect.OnnxInspectException.Kind;
import dev.onnxinspect.data.Batch;
import dev.onnxinspect.data.DataSource;
import dev.onnxinspect.runtime.InferenceException;
import dev.onnxinspect.runtime.InferenceSession;
import dev.onnxinspect.runtime.LayerActivations;
import dev.onnxinspect.runtime.OutputBuffers;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The bounded two-stage pipeline of an inspection: one producer thread reads batches from the data source and runs
 * the model on them; the consumer (the caller of {@link #next()}) processes them and then {@link #recycle}s them.
 * At most {@value #QUEUE_DEPTH} computed batches wait in the queue, so at most four batches are alive at once (one
 * being computed, two waiting, one being processed) whatever the size of the data.
 *
 * <p>With reused output memory (the default), ONNX Runtime writes every batch's outputs into one of at most
 * {@value #BUFFER_SETS} sets of {@link OutputBuffers}, made when first needed; a set goes back to the pool when
 * the consumer recycles its batch, and the producer waits for a free set. When the outputs cannot be pinned (a
 * free dimension in an output shape, a non-float output, or ONNX Runtime refuses the buffers on the first batch)
 * the runner falls back to copying the outputs into new arrays, with one log line; so it does when no direct memory
 * is left for a first set. A pinned run that fails after one has worked fails the inspection.
 *
 * <p>Lifecycle: {@link #start} starts the producer thread, which this runner owns; {@link #close()} stops it and
 * waits for it to end (idempotent). Does not close the session or the data source.
 */
final class InspectionRunner implements AutoCloseable {
    static final int QUEUE_DEPTH = 2;
    static final int BUFFER_SETS = QUEUE_DEPTH + 2;
    static final String THREAD_PREFIX = "onnx-inspect-inference-";

    private static final Logger LOG = LoggerFactory.getLogger(InspectionRunner.class);
    private static final AtomicInteger THREADS = new AtomicInteger();
    private static final long POLL_MS = 100;

    /** One computed batch, a failure, or the end of the data. */
    private interface Item {}

    /** A batch with the model's outputs for it, and the buffers they lie in (null when they are arrays). */
    record Computed(Batch batch, long firstSample, Map<String, LayerActivations> outputs, OutputBuffers buffers)
            implements Item {}

    private record Failed(Throwable error, long firstSample) implements Item {}

    private record End() implements Item {}

    private final BlockingQueue<Item> queue = new ArrayBlockingQueue<>(QUEUE_DEPTH);
    private final InferenceSession session;
    private final DataSource source;
    private final int batchSize;
    private final List<String> outputs;
    private final Thread producer;
    private final BlockingQueue<OutputBuffers> freeBuffers = new ArrayBlockingQueue<>(BUFFER_SETS);
    private int buffersMade;
    private int pinnedRuns;
    private boolean pinning;
    private volatile boolean cancelled;
    private boolean ended;

    private InspectionRunner(
            InferenceSession session,
            DataSource source,
            int batchSize,
            List<String> outputs,
            boolean reuseOutputMemory) {
        this.session = session;
        this.source = source;
        this.batchSize = batchSize;
        this.outputs = List.copyOf(outputs);
        this.pinning = reuseOutputMemory;
        this.producer = new Thread(this::produce, THREAD_PREFIX + THREADS.incrementAndGet());
        this.producer.setDaemon(true);
    }

    static InspectionRunner start(
            InferenceSession session,
            DataSource source,
            int batchSize,
            List<String> outputs,
            boolean reuseOutputMemory) {
        InspectionRunner runner = new InspectionRunner(session, source, batchSize, outputs, reuseOutputMemory);
        runner.producer.start();
        return runner;
    }

    private void produce() {
        long next = 0;
        try {
            Iterator<Batch> batches = source.batches(batchSize);
            while (!cancelled && batches.hasNext()) {
                Batch batch = batches.next();
                if (!offer(compute(batch, next))) {
                    return;
                }
                next += batch.size();
            }
            offer(new End());
        } catch (RuntimeException | Error e) {
            offer(new Failed(e, next));
        }
    }

    /** Runs one batch, into a free set of output buffers when the outputs can be pinned; null when cancelled. */
    private Computed compute(Batch batch, long first) {
        OutputBuffers buffers = pinning ? freeBuffers(batch.size()) : null;
        if (buffers == null) {
            return cancelled ? null : new Computed(batch, first, session.run(batch, outputs), null);
        }
        try {
            Computed computed = new Computed(batch, first, session.run(batch, buffers), buffers);
            pinnedRuns++;
            return computed;
        } catch (InferenceException e) {
            if (pinnedRuns > 0) {
                throw e; // the buffers worked before: a real failure of this batch
            }
            // the first run into buffers made from the declared shapes failed (e.g. an output whose actual shape
            // differs from the declared one): the copying run either works (and is used from now on) or fails
            // with the error that names the problem
            Map<String, LayerActivations> out = session.run(batch, outputs);
            pinning = false;
            LOG.info(
                    "the outputs of {} cannot be written into buffers made in advance ({}); copying them instead",
                    source.name(),
                    e.getMessage());
            return new Computed(batch, first, out, null);
        }
    }

    /**
     * A free set of output buffers, made while fewer than {@value #BUFFER_SETS} exist, else waited for; null when
     * the outputs cannot be pinned (pinning is then off for the rest of the run) or the run was cancelled.
     */
    private OutputBuffers freeBuffers(int samples) {
        OutputBuffers free = freeBuffers.poll();
        if (free != null) {
            return free;
        }
        if (buffersMade < BUFFER_SETS) {
            Optional<OutputBuffers> made;
            try {
                made = session.outputBuffers(outputs, Math.max(batchSize, samples));
            } catch (OutOfMemoryError e) {
                // direct memory exhausted (-XX:MaxDirectMemorySize): arrays on the heap may still fit
                if (buffersMade == 0) {
                    pinning = false;
                    LOG.info(
                            "no direct memory for the output buffers of {} ({}); copying the outputs instead",
                            source.name(),
                            e.getMessage());
                    return null;
                }
                made = Optional.empty();
                buffersMade = BUFFER_SETS; // work with the sets made so far
            }
            if (made.isPresent()) {
                buffersMade++;
                return made.get();
            }
            if (buffersMade == 0) {
                pinning = false;
                LOG.debug(
                        "outputs {} of {} have free dimensions or are not float32; copying them",
                        outputs,
                        source.name());
                return null;
            }
        }
        try {
            while (!cancelled) {
                free = freeBuffers.poll(POLL_MS, TimeUnit.MILLISECONDS);
                if (free != null) {
                    return free;
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return null;
    }

    /**
     * Ends the consumer's use of a computed batch: its activations in reused memory become unreadable (see
     * {@link LayerActivations}) and their buffers go back to the producer. Idempotent per batch.
     */
    void recycle(Computed computed) {
        if (computed.buffers() != null && computed.buffers().release()) {
            freeBuffers.offer(computed.buffers());
        }
    }

    /** Puts an item, waiting while the queue is full; false when the inspection was cancelled meanwhile. */
    private boolean offer(Item item) {
        if (item == null) {
            return false;
        }
        try {
            while (!cancelled) {
                if (queue.offer(item, POLL_MS, TimeUnit.MILLISECONDS)) {
                    return true;
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return false;
    }

    /**
     * The next computed batch, in source order, or null at the end of the data.
     *
     * @throws InspectionException when reading the data or running the model failed (the original is the cause)
     */
    Computed next() {
        if (ended) {
            return null;
        }
        try {
            Item item;
            while ((item = queue.poll(POLL_MS, TimeUnit.MILLISECONDS)) == null) {
                if (!producer.isAlive() && queue.isEmpty()) {
                    throw new InspectionException(
                            Kind.INTERNAL, "the inference thread " + producer.getName() + " ended without a result");
                }
            }
            if (item instanceof Failed) {
                Failed failed = (Failed) item;
                ended = true;
                // the failure decides the kind: a bad batch stays a bad input, a file error a file error, a bug a bug
                throw new InspectionException(
                        Kind.of(failed.error()),
                        "inspection of " + source.name()
                                + " failed while reading or running"
                                + " the batch that starts at sample " + failed.firstSample() + ": "
                                + failed.error().getMessage(),
                        failed.error());
            }
            if (item instanceof End) {
                ended = true;
                return null;
            }
            return (Computed) item;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            // not the input's fault; the command line never interrupts its own threads
            throw new InspectionException(Kind.INTERNAL, "interrupted while waiting for the model's outputs", e);
        }
    }

    /** Stops the producer thread and waits for it to end (it finishes the model run in progress first). */
    @Override
    public void close() {
        cancelled = true;
        queue.clear();
        try {
            producer.join(TimeUnit.MINUTES.toMillis(1));
            if (producer.isAlive()) {
                LOG.warn(
                        "inference thread {} is still running a batch one minute after the inspection of {} stopped",
                        producer.getName(),
                        source.name());
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
