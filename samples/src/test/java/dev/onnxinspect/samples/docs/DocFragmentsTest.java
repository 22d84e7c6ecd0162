package dev.onnxinspect.samples.docs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.onnxinspect.OnnxInspectException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DocFragmentsTest {

    @Test
    void aCellBetweenOneLineMarkersIsReplacedAndCanBeReplacedAgain() {
        String doc = "| a | <!-- generated:m -->old 1.00%<!-- /generated:m --> |\n";

        String once = DocFragments.splice(doc, "m", "new 2.00%\n");
        String twice = DocFragments.splice(once, "m", "newer 3.00%");

        assertThat(once).isEqualTo("| a | <!-- generated:m -->new 2.00%<!-- /generated:m --> |\n");
        assertThat(twice).isEqualTo("| a | <!-- generated:m -->newer 3.00%<!-- /generated:m --> |\n");
    }

    @Test
    void aBlockBetweenMarkersOnTheirOwnLinesKeepsItsLines() {
        String doc = "before\n<!-- generated:t -->\n| x |\n|---|\n| 1 |\n<!-- /generated:t -->\nafter\n";

        String result = DocFragments.splice(doc, "t", "| x |\n|---|\n| 2 |\n| 3 |\n\n");

        assertThat(result)
                .isEqualTo("before\n<!-- generated:t -->\n| x |\n|---|\n| 2 |\n| 3 |\n<!-- /generated:t -->\nafter\n");
    }

    @Test
    void missingDuplicatedOrReversedMarkersAreRefused() {
        assertThatThrownBy(() -> DocFragments.splice("no markers", "m", "x"))
                .isInstanceOf(OnnxInspectException.class)
                .hasMessageContaining("no marker <!-- generated:m -->");
        String twice = "<!-- generated:m --><!-- /generated:m --><!-- generated:m -->";
        assertThatThrownBy(() -> DocFragments.splice(twice, "m", "x")).hasMessageContaining("twice");
        assertThatThrownBy(() -> DocFragments.splice("<!-- /generated:m --> <!-- generated:m -->", "m", "x"))
                .hasMessageContaining("comes before");
        assertThatThrownBy(() -> DocFragments.splice("<!-- generated:m -->a<!-- /generated:m -->", "m", "1\n2"))
                .hasMessageContaining("several lines");
        assertThatThrownBy(() -> DocFragments.splice("", "a b", "x")).hasMessageContaining("must be letters");
    }

    @Test
    void aFileIsSplicedInPlaceAndLeftAloneOnError(@TempDir Path dir) throws Exception {
        Path doc = Files.writeString(dir.resolve("README.md"), "x <!-- generated:m -->1<!-- /generated:m --> y\n");
        Path fragment = Files.writeString(dir.resolve("m.md"), "2\n");

        DocFragments.spliceFile(doc, "m", fragment);

        assertThat(Files.readString(doc, StandardCharsets.UTF_8))
                .isEqualTo("x <!-- generated:m -->2<!-- /generated:m --> y\n");
        assertThatThrownBy(() -> DocFragments.spliceFile(doc, "other", fragment))
                .hasFieldOrPropertyWithValue("kind", OnnxInspectException.Kind.INVALID_INPUT);
        assertThatThrownBy(() -> DocFragments.spliceFile(doc, "m", dir.resolve("missing.md")))
                .hasFieldOrPropertyWithValue("kind", OnnxInspectException.Kind.IO)
                .hasMessageContaining("missing.md");
        assertThat(Files.readString(doc, StandardCharsets.UTF_8))
                .isEqualTo("x <!-- generated:m -->2<!-- /generated:m --> y\n");
    }
}
