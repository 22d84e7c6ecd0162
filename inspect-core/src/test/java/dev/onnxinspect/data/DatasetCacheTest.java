package dev.onnxinspect.data;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.onnxinspect.OnnxInspectException.Kind;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DatasetCacheTest {
    @TempDir
    Path dir;

    @Test
    void directoryPrecedenceIsPropertyThenEnvironmentThenHome() {
        assertThat(DatasetCache.resolveDirectory("/p", "/e", "/h")).isEqualTo(Path.of("/p"));
        assertThat(DatasetCache.resolveDirectory(null, "/e", "/h")).isEqualTo(Path.of("/e"));
        assertThat(DatasetCache.resolveDirectory(" ", "", "/h"))
                .isEqualTo(Path.of("/h", ".cache", "onnx-inspect", "datasets"));
    }

    @Test
    void systemPropertyChoosesTheStandardDirectory() {
        String old = System.getProperty(DatasetCache.PROPERTY);
        System.setProperty(DatasetCache.PROPERTY, dir.toString());
        try {
            assertThat(DatasetCache.standard().directory())
                    .isEqualTo(dir.toAbsolutePath().normalize());
        } finally {
            if (old == null) {
                System.clearProperty(DatasetCache.PROPERTY);
            } else {
                System.setProperty(DatasetCache.PROPERTY, old);
            }
        }
    }

    @Test
    void missingDatasetPrintsTheFetchCommand() {
        assertThatThrownBy(() -> FashionMnist.test(DatasetCache.at(dir)))
                .isInstanceOf(DatasetException.class)
                .hasMessageContaining("fashion-mnist/t10k-images-idx3-ubyte.gz is missing")
                .hasMessageContaining("scripts/fetch-data.sh fashion-mnist")
                .hasFieldOrPropertyWithValue("kind", Kind.IO);
        assertThatThrownBy(() -> MnistDigits.load(DatasetCache.at(dir)))
                .isInstanceOf(DatasetException.class)
                .hasMessageContaining("mnist-digits/0.json")
                .hasMessageContaining("ONNX_INSPECT_DATA="
                        + dir.toAbsolutePath().normalize() + " scripts/fetch-data.sh mnist-digits");
    }

    @Test
    void corruptFileIsDetectedByItsChecksum() throws IOException {
        Files.createDirectories(dir.resolve("mnist-digits"));
        Files.writeString(dir.resolve("mnist-digits/0.json"), "{\"data\":[]}");
        assertThatThrownBy(() -> DatasetCache.at(dir).verifiedFile("mnist-digits/0.json"))
                .isInstanceOf(DatasetException.class)
                .hasMessageContaining("corrupt")
                .hasMessageContaining("64c965faccfe0483cf69df89a24fb69ee338abb4dcf4ddc890258d66e40d5de2")
                .hasMessageContaining("scripts/fetch-data.sh mnist-digits")
                .hasFieldOrPropertyWithValue("kind", Kind.INVALID_INPUT); // readable, but the wrong content
    }

    @Test
    void datasetsByNameUseTheGivenCache() {
        assertThatThrownBy(() -> Datasets.load("fashion-mnist-train", DatasetCache.at(dir)))
                .isInstanceOf(DatasetException.class)
                .hasMessageContaining("fashion-mnist/train-images-idx3-ubyte.gz is missing");
        assertThatThrownBy(() -> Datasets.load("cifar-10", DatasetCache.at(dir)))
                .isInstanceOf(DatasetException.class)
                .hasMessageContaining("unknown dataset 'cifar-10'")
                .hasMessageContaining("[fashion-mnist-train, fashion-mnist-test, mnist-digits]");
    }

    @Test
    void unknownFileIsAnError() {
        assertThatThrownBy(() -> DatasetCache.at(dir).verifiedFile("fashion-mnist/other.gz"))
                .isInstanceOf(DatasetException.class)
                .hasMessageContaining("no SHA-256 is recorded");
    }
}
