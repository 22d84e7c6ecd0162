package dev.onnxinspect.spark;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class SubmitCommandTest {
    @Test
    void countsAreWholeNumbersAtLeastTheMinimum() {
        assertThat(SubmitCommand.count("--n", " 7 ", 1)).isEqualTo(7);
        assertThatThrownBy(() -> SubmitCommand.count("--n", "0", 1)).hasMessage("--n takes a whole number >= 1, got 0");
        assertThatThrownBy(() -> SubmitCommand.count("--n", "2.5", 0)).hasMessage("--n takes a whole number, got 2.5");
    }

    @Test
    void realsAreFiniteAndNotNegative() {
        assertThat(SubmitCommand.real("--tau", "0.25")).isEqualTo(0.25);
        // 0.1 as a float is rounded once from the decimal, not from the double 0.1
        assertThat(SubmitCommand.real32("--tau", "0.1")).isEqualTo(0.1f);
        assertThatThrownBy(() -> SubmitCommand.real("--tau", "-1"))
                .hasMessage("--tau takes a finite number >= 0, got -1");
        assertThatThrownBy(() -> SubmitCommand.real("--tau", "NaN"))
                .hasMessage("--tau takes a finite number >= 0, got NaN");
        assertThatThrownBy(() -> SubmitCommand.real("--tau", "x")).hasMessage("--tau takes a number, got x");
    }

    @Test
    void shapesAreCommaSeparatedCounts() {
        assertThat(SubmitCommand.dims("--shape", "3,32,32")).containsExactly(3, 32, 32);
        assertThatThrownBy(() -> SubmitCommand.dims("--shape", "3,,32"))
                .hasMessage("--shape takes a whole number, got ");
    }

    @Test
    void everyMissingOptionIsNamedInOneLineInItsOrder() {
        assertThatThrownBy(() -> new SubmitCommand.Required()
                        .option("--model", false)
                        .option("--data", true)
                        .option("--out", false)
                        .check())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("missing --model, --out");
        new SubmitCommand.Required().option("--model", true).check();
    }
}
