package dev.onnxinspect.trainers.model;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.engine.Engine;
import org.junit.jupiter.api.Test;

class DjlEnvironmentTest {

    @Test
    void loadsThePyTorchEngineFromTheBundledNativesOffline() {
        DjlEnvironment.ensureOffline();
        DjlEnvironment.ensureOffline(); // idempotent
        assertThat(System.getProperty("ai.djl.offline", System.getenv("ai.djl.offline"))).isEqualTo("true");
        Engine engine = Engine.getEngine("PyTorch");
        // the version of the pytorch-native-cpu jar on the class path
        assertThat(engine.getVersion()).isEqualTo("2.7.1");
    }
}
