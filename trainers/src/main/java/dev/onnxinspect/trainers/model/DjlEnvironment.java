package dev.onnxinspect.trainers.model;

import ai.djl.engine.Engine;
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
 */
public final class DjlEnvironment {
    private static final Logger LOG = LoggerFactory.getLogger(DjlEnvironment.class);
    private static final String ENGINE = "PyTorch";
    private static volatile boolean done;

    private DjlEnvironment() {
    }

    /**
     * Sets {@code ai.djl.offline=true}, {@code PYTORCH_FLAVOR=cpu} and the default engine PyTorch (unless already
     * set), then loads the engine. Idempotent and cheap after the first call.
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
        try {
            Engine engine = Engine.getEngine(ENGINE);
            LOG.info("DJL engine {} {} loaded from the bundled natives", engine.getEngineName(), engine.getVersion());
        } catch (RuntimeException | UnsatisfiedLinkError e) {
            throw new TrainingException("could not load the DJL PyTorch engine offline; expected the jars "
                    + "ai.djl.pytorch:pytorch-native-cpu (linux-x86_64) and pytorch-jni on the class path, with "
                    + "matching versions. Check the class path or set PYTORCH_LIBRARY_PATH to a libtorch directory",
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
