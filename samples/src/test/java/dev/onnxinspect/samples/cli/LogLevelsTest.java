package dev.onnxinspect.samples.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** {@code --quiet} and {@code --verbose} set slf4j-simple's levels before any logger exists. */
class LogLevelsTest {
    private String own;
    private String other;

    @BeforeEach
    void clear() {
        own = System.clearProperty(Main.OWN_LEVEL);
        other = System.clearProperty(Main.DEFAULT_LEVEL);
    }

    @AfterEach
    void restore() {
        restore(Main.OWN_LEVEL, own);
        restore(Main.DEFAULT_LEVEL, other);
    }

    @Test
    void quietKeepsWarningsAndErrorsOfTheLibraryOnly() {
        Main.logLevels(List.of("audit", "m.onnx", "--quiet"));
        assertThat(System.getProperty(Main.OWN_LEVEL)).isEqualTo("warn");
        // other libraries stay at simplelogger.properties' "error"
        assertThat(System.getProperty(Main.DEFAULT_LEVEL)).isNull();
    }

    @Test
    void verboseShowsTheLibrarysDebugAndOtherLibrariesInfoLines() {
        Main.logLevels(List.of("demo", "--verbose"));
        assertThat(System.getProperty(Main.OWN_LEVEL)).isEqualTo("debug");
        assertThat(System.getProperty(Main.DEFAULT_LEVEL)).isEqualTo("info");
    }

    @Test
    void theDefaultSetsNothingAndAUsersLevelIsKept() {
        Main.logLevels(List.of("demo"));
        assertThat(System.getProperty(Main.OWN_LEVEL)).isNull();
        System.setProperty(Main.OWN_LEVEL, "trace");
        Main.logLevels(List.of("demo", "--quiet"));
        assertThat(System.getProperty(Main.OWN_LEVEL)).isEqualTo("trace");
    }

    private static void restore(String key, String value) {
        if (value == null) {
            System.clearProperty(key);
        } else {
            System.setProperty(key, value);
        }
    }
}
