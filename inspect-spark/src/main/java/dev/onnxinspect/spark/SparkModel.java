package dev.onnxinspect.spark;

import dev.onnxinspect.io.Sha256;
import dev.onnxinspect.onnx.OnnxModel;
import dev.onnxinspect.runtime.Device;
import dev.onnxinspect.runtime.InferenceSession;
import dev.onnxinspect.runtime.SessionConfig;
import java.io.Serializable;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.sql.SparkSession;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * An ONNX model shipped to a Spark cluster once, as a broadcast of its bytes, with one ONNX Runtime session per
 * executor JVM: {@link #session()} opens the session on first use in a JVM and hands the same session to every
 * later task of that JVM (a static cache keyed by the model's SHA-256 and the session settings), so that a job of
 * thousands of tasks parses and optimises the model once per executor, not once per task.
 *
 * <p>Lifecycle and ownership: a {@code SparkModel} is a small serialisable handle (the broadcast, the SHA-256, the
 * session settings); it is captured by task closures. The cached sessions belong to the JVM: they stay open for the
 * JVM's life (an executor runs many jobs of the same model) and are closed by a shutdown hook, or explicitly by
 * {@link #closeCachedSessions()} (tests, a driver that is done with ONNX Runtime). Callers of {@link #session()}
 * must not close the session it returns. {@link InferenceSession} is safe for concurrent runs, so the tasks of one
 * executor (several cores) share it.
 *
 * <p>Choice: the default session settings here use one intra-op thread ({@link #defaultSessionConfig()}): Spark
 * gives each task one core ({@code spark.task.cpus}) and runs as many tasks as cores, so ONNX Runtime's default of a
 * thread per physical core in every task would oversubscribe the executor. Give more with {@code spark.task.cpus}
 * and a matching {@link SessionConfig}.
 */
public final class SparkModel implements Serializable {
    private static final long serialVersionUID = 1L;
    private static final Logger LOG = LoggerFactory.getLogger(SparkModel.class);
    private static final Map<String, Loaded> CACHE = new ConcurrentHashMap<>();
    private static final AtomicInteger OPENED = new AtomicInteger();

    static {
        Runtime.getRuntime().addShutdownHook(new Thread(SparkModel::closeCachedSessions, "onnx-inspect-sessions"));
    }

    private final Broadcast<byte[]> bytes;
    private final String sha256;
    private final Device device;
    private final int intraOpThreads;
    private final int interOpThreads;
    private final SessionConfig.Optimization optimization;
    private final boolean spinning;

    private SparkModel(Broadcast<byte[]> bytes, String sha256, SessionConfig config) {
        this.bytes = bytes;
        this.sha256 = sha256;
        this.device = config.device();
        this.intraOpThreads = config.intraOpThreads();
        this.interOpThreads = config.interOpThreads();
        this.optimization = config.optimization();
        this.spinning = config.spinning();
    }

    /**
     * Broadcasts a serialised ONNX model (self-contained {@code ModelProto} bytes, e.g. {@link OnnxModel#toBytes()}).
     *
     * @param config how each executor's session runs the model; see {@link #defaultSessionConfig()}
     * @throws SparkInspectionException for an empty model or a missing argument
     */
    public static SparkModel broadcast(SparkSession spark, byte[] model, SessionConfig config) {
        if (spark == null || model == null || config == null) {
            throw new SparkInspectionException("a Spark model needs a Spark session, the model's bytes and a session"
                    + " config, got spark " + spark + ", model " + (model == null ? null : model.length + " bytes")
                    + ", config " + config);
        }
        if (model.length == 0) {
            throw new SparkInspectionException("the model has 0 bytes; give the bytes of an ONNX model file");
        }
        String sha = Sha256.of(model);
        JavaSparkContext context = JavaSparkContext.fromSparkContext(spark.sparkContext());
        LOG.info("broadcasting model {} ({} bytes)", sha, model.length);
        return new SparkModel(context.broadcast(model.clone()), sha, config);
    }

    /** One intra-op thread (one core per Spark task), ONNX Runtime's other defaults, CPU. */
    public static SessionConfig defaultSessionConfig() {
        return SessionConfig.builder().intraOpThreads(1).build();
    }

    /** The model's SHA-256 (hex), the key of the executor cache. */
    public String sha256() {
        return sha256;
    }

    /** The session settings each executor uses. */
    public SessionConfig sessionConfig() {
        return SessionConfig.builder()
                .device(device)
                .intraOpThreads(intraOpThreads)
                .interOpThreads(interOpThreads)
                .optimization(optimization)
                .spinning(spinning)
                .build();
    }

    /**
     * This JVM's session of the model, opened on first use (on an executor: from the broadcast bytes). Shared: do
     * not close it.
     *
     * @throws dev.onnxinspect.runtime.InferenceException when ONNX Runtime cannot open the model
     */
    public InferenceSession session() {
        return loaded().session();
    }

    /** This JVM's parsed model (for its weights, e.g. the dense layers of SPEC §3), cached with the session. */
    public OnnxModel model() {
        return loaded().model();
    }

    private Loaded loaded() {
        SessionConfig config = sessionConfig();
        return CACHE.computeIfAbsent(sha256 + " " + config, key -> {
            byte[] model = bytes.value();
            InferenceSession session = InferenceSession.open(model, config);
            OPENED.incrementAndGet();
            LOG.info("opened the ONNX Runtime session of model {} in this JVM ({})", sha256, session.device());
            return new Loaded(session, OnnxModel.fromBytes(model));
        });
    }

    /** How many sessions this JVM has opened through the cache since it started (for tests and diagnostics). */
    public static int sessionsOpened() {
        return OPENED.get();
    }

    /** Closes and forgets every cached session of this JVM; a later {@link #session()} opens a new one. */
    public static void closeCachedSessions() {
        RuntimeException first = null;
        for (String key : List.copyOf(CACHE.keySet())) {
            Loaded l = CACHE.remove(key);
            if (l == null) {
                continue;
            }
            try {
                l.session().close();
            } catch (RuntimeException e) {
                if (first == null) {
                    first = e;
                } else {
                    first.addSuppressed(e);
                }
            }
        }
        if (first != null) {
            throw first;
        }
    }

    /**
     * Removes the broadcast's copies from the executors (a later {@link #session()} on an executor without a cached
     * session fetches the bytes again); unlike {@link #destroy()} the model stays usable.
     */
    void unpersist() {
        bytes.unpersist();
    }

    /** Destroys the broadcast on the executors and the driver (call when the model is no longer used). */
    public void destroy() {
        bytes.destroy();
    }

    private record Loaded(InferenceSession session, OnnxModel model) {}
}
