package dev.onnxinspect.trainers.model;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.engine.Engine;
import ai.djl.pytorch.jni.JniUtils;
import org.junit.jupiter.api.Test;

class DjlEnvironmentTest {

    @Test
    void loadsThePyTorchEngineFromTheBundledNativesOffline() {
        DjlEnvironment.ensureOffline();
        DjlEnvironment.ensureOffline(); // idempotent
        assertThat(System.getProperty("ai.djl.offline", System.getenv("ai.djl.offline")))
                .isEqualTo("true");
        Engine engine = Engine.getEngine("PyTorch");
        // the version of the pytorch-native-cpu jar on the class path
        assertThat(engine.getVersion()).isEqualTo("2.7.1");
    }

    @Test
    void pyTorchRunsOnOneThreadUnlessTheUserSaysOtherwise() {
        DjlEnvironment.ensureOffline();
        // the test JVM sets neither property, so ensureOffline set both to 1 before the engine was created,
        // and PyTorch's own pools report what the engine was told
        assertThat(System.getProperty(DjlEnvironment.NUM_THREADS)).isEqualTo("1");
        assertThat(System.getProperty(DjlEnvironment.NUM_INTEROP_THREADS)).isEqualTo("1");
        assertThat(JniUtils.getNumThreads()).isEqualTo(1);
        assertThat(JniUtils.getNumInteropThreads()).isEqualTo(1);
    }
}
