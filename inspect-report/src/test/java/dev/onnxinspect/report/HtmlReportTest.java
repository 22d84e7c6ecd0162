package dev.onnxinspect.report;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.onnxinspect.OnnxInspectException;
import dev.onnxinspect.OnnxInspectException.Kind;
import dev.onnxinspect.inspect.ClassSource;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class HtmlReportTest {
    /** Any reference that would make the browser fetch something: a URL scheme or protocol-relative link. */
    private static final Pattern EXTERNAL =
            Pattern.compile("(?i)(https?:|ftp:|@import|url\\((?!#)|(src|href)=\"(?!#|data:image/png;base64,))");

    @Test
    void hostileLayerNamesAppearOnlyEscaped() {
        String html = HtmlReport.render(SampleReports.full());
        // the only images are the galleries' thumbnails, each a PNG data URI written by the report itself
        assertThat(html.split("<img", -1)).hasSize(2 * SampleReports.GALLERY_SAMPLES + 1);
        assertThat(Pattern.compile("<img alt=\"sample \\d+\" src=\"data:image/png;base64,[A-Za-z0-9+/=]+\">")
                        .matcher(html)
                        .results()
                        .count())
                .isEqualTo(2L * SampleReports.GALLERY_SAMPLES);
        assertThat(html)
                .doesNotContain("onerror=alert(1)>")
                .contains("fc1&lt;img src=x onerror=alert(1)&gt;&amp;&quot;&#39;");
        assertThat(html).doesNotContain("<script");
    }

    @Test
    void pageReferencesNothingOutsideItself() {
        String html = HtmlReport.render(SampleReports.full());
        // The SVG namespace is an identifier, not a fetch; everything else must be local.
        String withoutNamespace = html.replace("xmlns=\"http://www.w3.org/2000/svg\"", "");
        assertThat(EXTERNAL.matcher(withoutNamespace).find())
                .as("external reference in the page")
                .isFalse();
        assertThat(html).contains("Content-Security-Policy").contains("default-src 'none'");
    }

    @Test
    void chartCountMatchesTheChartsInThePage() {
        ReportData data = SampleReports.full();
        String html = HtmlReport.render(data);
        assertThat(HtmlReport.chartCount(data)).isEqualTo(SampleReports.FULL_CHARTS);
        assertThat(html.split("data-chart=\"", -1)).hasSize(SampleReports.FULL_CHARTS + 1);
    }

    @Test
    void anEmptyReportSaysSoInEverySection() {
        ReportData empty = ReportData.builder("empty", ClassSource.PREDICTED).build();
        String html = HtmlReport.render(empty);
        // Parameters, layers, confusion matrix, histograms, frequencies, KL, layer summary, interactions, nodes as
        // classifiers, OOD, score distributions and flagged samples; training is left out entirely.
        assertThat(html.split("No data in this run\\.", -1)).hasSize(12 + 1);
        assertThat(html)
                .doesNotContain("data-chart=")
                .doesNotContain("id=\"training\"")
                .doesNotContain("href=\"#training\"")
                .contains("classes from predictions");
        assertThat(HtmlReport.chartCount(empty)).isZero();
    }

    @Test
    void writeReplacesTheFileAndLeavesNoTemporaryFile(@TempDir Path directory) throws IOException {
        Path file = directory.resolve("report.html");
        Files.writeString(file, "old");
        ReportData data =
                ReportData.builder("t", ClassSource.LABEL).parameter("seed", 7).build();
        HtmlReport.write(data, file);
        assertThat(Files.readString(file, StandardCharsets.UTF_8)).isEqualTo(HtmlReport.render(data));
        assertThat(list(directory)).containsExactly(file);
        if (Files.getFileStore(file).supportsFileAttributeView(PosixFileAttributeView.class)) {
            assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file)))
                    .isEqualTo("rw-r--r--");
        }
    }

    @Test
    void aDirectoryAsTargetIsRefusedAndKept(@TempDir Path directory) throws IOException {
        // The target is a non-empty directory: refused before anything is written (issue 13: a target that is not a
        // regular file is never replaced). Nothing may be left behind, and the target stays as it was.
        Path target = directory.resolve("report.html");
        Files.createDirectory(target);
        Files.writeString(target.resolve("keep.txt"), "keep");
        ReportData data = ReportData.builder("t", ClassSource.LABEL).build();
        assertThatThrownBy(() -> HtmlReport.write(data, target))
                .isInstanceOf(OnnxInspectException.class)
                .hasMessageContaining("it is a directory, not a regular file")
                .hasFieldOrPropertyWithValue("kind", Kind.INVALID_INPUT);
        assertThat(list(directory)).containsExactly(target);
        assertThat(Files.readString(target.resolve("keep.txt"))).isEqualTo("keep");
    }

    @Test
    void writingIntoAMissingDirectoryIsAFileErrorNamingThePath(@TempDir Path directory) {
        ReportData data = ReportData.builder("t", ClassSource.LABEL).build();
        Path target = directory.resolve("missing").resolve("r.html");
        assertThatThrownBy(() -> HtmlReport.write(data, target))
                .isInstanceOf(OnnxInspectException.class)
                .hasMessage("cannot write " + target + ": no such file or directory")
                .hasFieldOrPropertyWithValue("kind", Kind.IO);
    }

    private static List<Path> list(Path directory) throws IOException {
        try (Stream<Path> files = Files.list(directory)) {
            return files.toList();
        }
    }
}
