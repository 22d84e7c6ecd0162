package dev.onnxinspect.samples.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.onnxinspect.samples.studies.Studies;
import dev.onnxinspect.samples.studies.Study;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code onnx-inspect study}: the help lists every registered study, an unknown name is a one-line input error. */
class StudyCommandTest {
    @TempDir
    Path dir;

    @Test
    void helpListsEveryStudy() {
        CliTest.Outcome o = CliTest.run("study", "--help");
        assertThat(o.code()).isZero();
        assertThat(o.out()).contains("Usage: onnx-inspect study", "--quick", "--out", "--seed", "Studies:");
        assertThat(Studies.ALL).isNotEmpty();
        for (Study s : Studies.ALL) {
            assertThat(o.out()).contains(s.name());
        }
    }

    @Test
    void unknownStudyIsAnInputErrorNamingTheStudies() {
        CliTest.Outcome o = CliTest.run("study", "no-such-study", "--out", dir.toString());
        assertThat(o.code()).isEqualTo(ExitCodes.INPUT_ERROR);
        assertThat(o.err().lines()).hasSize(1);
        assertThat(o.err())
                .startsWith("error: unknown study 'no-such-study'; give one of [")
                .contains(Studies.ALL.get(0).name());
    }

    @Test
    void missingNameIsAUsageError() {
        CliTest.Outcome o = CliTest.run("study");
        assertThat(o.code()).isEqualTo(ExitCodes.USAGE);
        assertThat(o.err()).contains("Missing required parameter");
    }

    @Test
    void runsAQuickStudyIntoTheGivenDirectory() {
        CliTest.Outcome o = CliTest.run("study", "frequencies-kl", "--quick", "--seed", "3", "--out", dir.toString());
        assertThat(o.code()).as(o.err()).isZero();
        assertThat(o.out()).contains("study frequencies-kl (quick): 0 of 9 claims supported, written to ");
        assertThat(dir.resolve("index.html")).exists();
        assertThat(dir.resolve("summary.md")).exists();
    }
}
