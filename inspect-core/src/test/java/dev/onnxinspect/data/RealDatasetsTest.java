package dev.onnxinspect.data;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** The real cached datasets (fetched by scripts/fetch-data.sh before the tests run). */
class RealDatasetsTest {
    @Test
    void fashionMnistHasItsPublishedSizesAndRanges() {
        InMemoryDataset train = FashionMnist.train();
        InMemoryDataset test = Datasets.load("fashion-mnist-test");
        assertThat(test.name()).isEqualTo("fashion-mnist-test");
        // Xiao et al. 2017: 60,000 training and 10,000 test images of 28 x 28, 10 classes, 6,000 / 1,000 per class
        assertThat(train.size()).isEqualTo(60_000);
        assertThat(test.size()).isEqualTo(10_000);
        assertThat(train.sampleShape()).containsExactly(784);
        assertClassCounts(train.labels(), 6_000);
        assertClassCounts(test.labels(), 1_000);
        assertPixelRange(test);
        assertThat(FashionMnist.CLASS_NAMES).hasSize(10);
    }

    @Test
    void mnistDigitsMatchTheFilesCounts() throws IOException {
        InMemoryDataset digits = MnistDigits.load();
        // expected count per digit read independently of the parser: (number of commas + 1) / 784 in each file
        Path dir = DatasetCache.standard().directory().resolve("mnist-digits");
        int[] expected = new int[10];
        int total = 0;
        for (int d = 0; d < 10; d++) {
            String text = Files.readString(dir.resolve(d + ".json"), StandardCharsets.US_ASCII);
            long commas = text.chars().filter(c -> c == ',').count();
            assertThat((commas + 1) % 784).isZero();
            expected[d] = (int) ((commas + 1) / 784);
            total += expected[d];
        }
        assertThat(total).isEqualTo(10_000);
        assertThat(digits.size()).isEqualTo(10_000);
        int[] counts = new int[10];
        int previous = 0;
        for (int label : digits.labels()) {
            assertThat(label).isBetween(previous, 9); // ordered by digit
            previous = label;
            counts[label]++;
        }
        assertThat(counts).containsExactly(expected);
        assertPixelRange(digits);

        // the streaming parser agrees with the JDK's Float.parseFloat on every value of digit 3's file
        String text = Files.readString(dir.resolve("3.json"), StandardCharsets.US_ASCII);
        String[] tokens =
                text.substring(text.indexOf('[') + 1, text.lastIndexOf(']')).split(",");
        int first = expected[0] + expected[1] + expected[2];
        float[] image = null;
        for (int t = 0; t < tokens.length; t++) {
            if (t % 784 == 0) {
                image = digits.sample(first + t / 784);
            }
            float want = Float.parseFloat(tokens[t].strip());
            if (image[t % 784] != want) {
                assertThat(image[t % 784]).as("value %d of 3.json", t).isEqualTo(want);
            }
        }
    }

    private static void assertClassCounts(int[] labels, int perClass) {
        int[] counts = new int[10];
        for (int label : labels) {
            assertThat(label).isBetween(0, 9);
            counts[label]++;
        }
        for (int c = 0; c < 10; c++) {
            assertThat(counts[c]).as("class %d", c).isEqualTo(perClass);
        }
    }

    /** Every pixel in [0, 1]; both 0 and 1 occur (the images use the full byte range). */
    private static void assertPixelRange(InMemoryDataset ds) {
        float min = Float.POSITIVE_INFINITY;
        float max = Float.NEGATIVE_INFINITY;
        for (int i = 0; i < ds.size(); i++) {
            for (float v : ds.sample(i)) {
                min = Math.min(min, v);
                max = Math.max(max, v);
            }
        }
        assertThat(min).isEqualTo(0f);
        assertThat(max).isEqualTo(1f);
    }
}
