package dev.onnxinspect.samples.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.onnxinspect.runtime.Device;
import dev.onnxinspect.runtime.SessionConfig;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/** The session options every model-running command shares. */
class RunOptionsTest {
    @Command(name = "holder")
    static final class Holder {
        @Mixin
        RunOptions run;
    }

    @Test
    void defaultsKeepOnnxRuntimesLayoutAndStopSpinning() {
        SessionConfig config = CommandLine.populateCommand(new Holder()).run.session();
        assertThat(config.blockedChannels()).isFalse();
        assertThat(config.spinning()).isFalse();
        assertThat(config.device()).isEqualTo(Device.AUTO);
        assertThat(config.intraOpThreads()).isZero();
    }

    @Test
    void blockedChannelsThreadsAndDeviceReachTheSession() {
        SessionConfig config = CommandLine.populateCommand(
                        new Holder(), "--blocked-channels", "--threads", "1", "--device", "cpu", "--spin")
                .run
                .session();
        assertThat(config.blockedChannels()).isTrue();
        assertThat(config.intraOpThreads()).isEqualTo(1);
        assertThat(config.device()).isEqualTo(Device.CPU);
        assertThat(config.spinning()).isTrue();
    }
}
