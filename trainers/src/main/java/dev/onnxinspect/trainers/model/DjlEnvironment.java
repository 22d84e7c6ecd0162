package dev.onnxinspect.trainers.model;

import ai.djl.engine.Engine;
import dev.onnxinspect.OnnxInspectException.Kind;
import dev.onnxinspect.trainers.TrainingException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Makes DJL use the PyTorch natives bundled in the {@code pytorch-native-cpu} and {@code pytorch-jni} jars on the
 * class path and never download anything. DJL's {@code LibUtils} finds {@code native/lib/pytorch.properties} in the
 * native jar and extracts the libraries to its cache ({@code ~/.djl.ai/pytorch}) on first use; with
 * {@code ai.djl.offline=true} a missing native jar is an error instead of a download.
 *
 * <p>Each property is set only when the user has not set it (a system property or an environment variable of the
 * same name wins), so deployments can still point DJL elsewhere.
 *
 * <p>Choice: PyTorch runs single-threaded by default ({@value #NUM_THREADS} and {@value #NUM_INTEROP_THREADS} = 1,
 * unless those system properties are set). The networks trained here are small (batches of a few hundred samples
 * of a 784-256-128-10 MLP or a small CNN), and PyTorch's default pools (one thread per core for intra-op and
 * inter-op work, busy-waiting OpenMP workers) cost far more in synchronisation than they gain: on a loaded 2-core
 * machine training was about 30 times slower than with one thread. DJL reads these properties only when the engine
 * is created, so they take effect only if {@link #ensureOffline()} runs before anything else loads the engine;
 * set them (e.g. {@code -Dai.djl.pytorch.num_threads=4}) to use more cores for larger models.
 */
public final class DjlEnvironment {
    private static final Logger LOG = LoggerFactory.getLogger(DjlEnvironment.class);
    private static final String ENGINE = "PyTorch";
    static final String NUM_THREADS = "ai.djl.pytorch.num_threads";
    static final String NUM_INTEROP_THREADS = "ai.djl.pytorch.num_interop_threads";
    private static volatile boolean done;

    private DjlEnvironment() {}

    /**
     * Sets {@code ai.djl.offline=true}, {@code PYTORCH_FLAVOR=cpu}, the default engine PyTorch and one PyTorch
     * intra-op and inter-op thread (each unless already set), then loads the engine. Idempotent and cheap after the
     * first call.
     *
     * @throws TrainingException when the PyTorch engine cannot be loaded from the bundled natives
     */
    public static synchronized void ensureOffline() {
        if (done) {
            return;
        }
        setIfAbsent("ai.djl.offline", "true");
        setIfAbsent("PYTORCH_FLAVOR", "cpu");
        setIfAbsent("ai.djl.default_engine", ENGINE);
        // DJL reads these two with Integer.getInteger, i.e. from system properties only
        if (System.getProperty(NUM_THREADS) == null) {
            System.setProperty(NUM_THREADS, "1");
        }
        if (System.getProperty(NUM_INTEROP_THREADS) == null) {
            System.setProperty(NUM_INTEROP_THREADS, "1");
        }
        try {
            Engine engine = Engine.getEngine(ENGINE);
            // PyTorch's C++ code prints one warning of its own to stderr when DJL's JNI runs the first operation;
            // no Java setting silences it (libtorch reads TORCH_CPP_LOG_LEVEL only under Python), so say it once
            LOG.info(
                    "DJL engine {} {} loaded from the bundled natives (PyTorch's native code may print one"
                            + " \"AutoNonVariableTypeMode is deprecated\" warning next: it concerns DJL's JNI, not"
                            + " this run, and is harmless)",
                    engine.getEngineName(),
                    engine.getVersion());
        } catch (RuntimeException | UnsatisfiedLinkError e) {
            // the machine lacks what training needs: like CUDA requested without CUDA, not a bad input
            throw new TrainingException(
                    Kind.UNSUPPORTED,
                    "could not load the DJL PyTorch engine offline; expected"
                            + " the jars "
                            + "ai.djl.pytorch:pytorch-native-cpu (linux-x86_64) and pytorch-jni on the class"
                            + " path, with "
                            + "matching versions. Check the class path or set PYTORCH_LIBRARY_PATH to a libtorch"
                            + " directory",
                    e);
        }
        done = true;
    }

    private static void setIfAbsent(String key, String value) {
        if (System.getProperty(key) == null && System.getenv(key) == null) {
            System.setProperty(key, value);
        }
    }
}
