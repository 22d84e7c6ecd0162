package dev.onnxinspect.data;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.onnxinspect.OnnxInspectException.Kind;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;
import java.util.StringJoiner;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class MnistJsonReaderTest {
    @TempDir
    Path dir;

    /** n images; image k of this file has every pixel equal to value(k). */
    private static String digitFile(int n, float... perImage) {
        StringJoiner values = new StringJoiner(",");
        for (int k = 0; k < n; k++) {
            for (int p = 0; p < 784; p++) {
                values.add(p == 0 ? "0.624" : Float.toString(perImage[k]));
            }
        }
        return "{ \"data\": [" + values + "] }";
    }

    private Path write(String name, String content) throws IOException {
        return Files.writeString(dir.resolve(name), content, StandardCharsets.US_ASCII);
    }

    @Test
    void readsDigitsInOrderWithTheirLabels() throws IOException {
        // digit d gets d % 3 images (0, 1, 2, 0, 1, 2, ...): 0+1+2+0+1+2+0+1+2+0 = 9 images
        for (int d = 0; d < 10; d++) {
            float[] values = new float[d % 3];
            for (int k = 0; k < values.length; k++) {
                values[k] = (d * 10 + k) / 100f;
            }
            write(d + ".json", digitFile(d % 3, values));
        }
        InMemoryDataset ds = MnistJsonReader.read("tiny-digits", dir);
        assertThat(ds.size()).isEqualTo(9);
        assertThat(ds.sampleShape()).containsExactly(784);
        assertThat(ds.labels()).containsExactly(1, 2, 2, 4, 5, 5, 7, 8, 8);
        // sample 1 is digit 2's first image: value (2 * 10 + 0) / 100 = 0.2; sample 2 its second: 0.21
        assertThat(ds.sample(1)[0]).isEqualTo(0.624f);
        assertThat(ds.sample(1)[783]).isEqualTo(0.2f);
        assertThat(ds.sample(2)[5]).isEqualTo(0.21f);
        assertThat(ds.sample(8)[100]).isEqualTo(0.81f);
    }

    @Test
    void numbersEqualFloatParseFloat() throws IOException {
        // property: random decimals in [0, 1] of 1 to 12 digits, plus exponents, convert exactly as the JDK does
        Random random = new Random(42);
        String[] tokens = new String[784];
        for (int i = 0; i < tokens.length; i++) {
            int digits = 1 + random.nextInt(12);
            StringBuilder s = new StringBuilder("0.");
            for (int k = 0; k < digits; k++) {
                s.append((char) ('0' + random.nextInt(10)));
            }
            tokens[i] = s.toString();
        }
        tokens[0] = "1";
        tokens[1] = "0";
        tokens[2] = "1.0";
        tokens[3] = "5e-1";
        tokens[4] = "2.5E-3";
        tokens[5] = "0.000000000000000000001234567";
        tokens[6] = "0.99999999999999999999999";
        Path file = write("n.json", "{\"data\":[" + String.join(" , ", tokens) + "]}\n");
        float[] values = MnistJsonReader.readDigitFile(file);
        for (int i = 0; i < tokens.length; i++) {
            assertThat(values[i]).as(tokens[i]).isEqualTo(Float.parseFloat(tokens[i]));
        }
    }

    @Test
    void lengthNotAMultipleOf784IsAnError() throws IOException {
        Path file = write("3.json", "{\"data\":[0,0.5,1]}");
        assertThatThrownBy(() -> MnistJsonReader.readDigitFile(file))
                .isInstanceOf(DatasetException.class)
                .hasMessageContaining("3.json")
                .hasMessageContaining("3 values")
                .hasMessageContaining("784");
    }

    @Test
    void valuesOutsideTheUnitIntervalAreErrors() throws IOException {
        Path big = write("big.json", "{\"data\":[0,1.5]}");
        assertThatThrownBy(() -> MnistJsonReader.readDigitFile(big))
                .isInstanceOf(DatasetException.class)
                .hasMessageContaining("1.5")
                .hasMessageContaining("[0, 1]")
                .hasMessageContaining("value index 1");
        Path negative = write("neg.json", "{\"data\":[-0.25]}");
        assertThatThrownBy(() -> MnistJsonReader.readDigitFile(negative))
                .isInstanceOf(DatasetException.class)
                .hasMessageContaining("-0.25");
    }

    @Test
    void badTokensAndStructureAreErrors() throws IOException {
        String[] bad = {
            "{\"data\":[0,abc]}",
            "{\"data\":[0,,1]}",
            "{\"data\":[0 1]}",
            "{\"data\":[0,1}",
            "{\"pixels\":[0]}",
            "[0,1]",
            "{\"data\":[01]}",
            "{\"data\":[1.]}",
            "{\"data\":[0]} x",
            "{\"data\":[0,",
            "{\"data\":[1e]}",
            "{\"data\":[NaN]}"
        };
        for (String text : bad) {
            Path file = write("bad.json", text);
            assertThatThrownBy(() -> MnistJsonReader.readDigitFile(file))
                    .as(text)
                    .isInstanceOf(DatasetException.class)
                    .hasMessageContaining("bad.json")
                    .hasMessageContaining("at byte");
        }
    }

    @Test
    void emptyArrayIsZeroImages() throws IOException {
        assertThat(MnistJsonReader.readDigitFile(write("e.json", "{ \"data\" : [ ] }")))
                .isEmpty();
    }

    @Test
    void missingFileIsAnError() throws IOException {
        write("0.json", digitFile(1, 0.5f));
        assertThatThrownBy(() -> MnistJsonReader.read("x", dir))
                .isInstanceOf(DatasetException.class)
                .hasMessageContaining("1.json")
                .hasMessageContaining("does not exist")
                .hasFieldOrPropertyWithValue("kind", Kind.IO);
    }
}
