package dev.onnxinspect.samples.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.onnxinspect.samples.cli.CliTest.Outcome;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 20, "Done when", bad input: each mistake in users' data is one line on stderr that names the input, the file
 * and the fix, with exit code 3, before any model run.
 */
class DataErrorsCliTest {
    @TempDir
    Path dir;

    private Outcome inspect(Path model, String data, String... more) {
        String[] args = new String[6 + more.length];
        args[0] = "inspect";
        args[1] = model.toString();
        args[2] = "--data";
        args[3] = data;
        args[4] = "--out";
        args[5] = dir.resolve("out").toString();
        System.arraycopy(more, 0, args, 6, more.length);
        return CliTest.run(args);
    }

    private static void assertOneLineInputError(Outcome o, String... parts) {
        assertThat(o.code()).as(o.err()).isEqualTo(ExitCodes.INPUT_ERROR);
        assertThat(o.err()).startsWith("error: ").contains(parts).doesNotContain("\tat ");
        assertThat(o.err().strip().lines().count()).as(o.err()).isEqualTo(1);
    }

    private Path tokensNpz() throws Exception {
        long[] ids = {1, 2, 3, 4, 5, 6};
        return TestFiles.npz(
                dir.resolve("tokens.npz"),
                Map.of(
                        "ids",
                        TestFiles.npy(ids, 2, 3),
                        "mask",
                        TestFiles.npy(new long[] {1, 1, 1, 1, 1, 0}, 2, 3),
                        "scores",
                        TestFiles.npy(new float[] {1, 2, 3, 4, 5, 6}, 2, 3)));
    }

    @Test
    void aColumnThatDoesNotExist() throws Exception {
        Path npz = tokensNpz();
        Outcome o = inspect(CliTestModels.tokens(dir), "input_ids=" + npz + ":nope,attention_mask=" + npz + ":mask");
        assertOneLineInputError(o, "input_ids", "tokens.npz", "nope", "ids");
    }

    @Test
    void aColumnOfTheWrongType() throws Exception {
        // float32 values cannot feed int64 token ids without loss
        Path npz = tokensNpz();
        Outcome o = inspect(CliTestModels.tokens(dir), "input_ids=" + npz + ":scores,attention_mask=" + npz + ":mask");
        assertOneLineInputError(o, "input_ids", "tokens.npz", "INT64");
    }

    @Test
    void aColumnOfTheWrongLength() throws Exception {
        // the MatMul model takes 3 values per sample; rows of 4 do not fit
        Path x = TestFiles.write(dir.resolve("x.npy"), TestFiles.npy(new float[8], 2, 4));
        Outcome o = inspect(CliTestModels.matMulHead(dir), "x=" + x);
        assertOneLineInputError(o, "input x", "x.npy");
    }

    @Test
    void anInputLeftUnmapped() throws Exception {
        Path npz = tokensNpz();
        Outcome o = inspect(CliTestModels.tokens(dir), "input_ids=" + npz + ":ids");
        assertOneLineInputError(o, "attention_mask", "tokens.npz", "add attention_mask=FILE:COLUMN", "mask-of:INPUT");
    }

    @Test
    void imagesThatCannotBeDecoded() throws Exception {
        Path photos = dir.resolve("photos");
        TestFiles.png(photos.resolve("a/good.png"), new int[][][] {{{1, 2, 3}}});
        Files.write(photos.resolve("a/broken.png"), new byte[] {(byte) 0x89, 'P', 'N', 'G', 0, 1, 2});
        Outcome o = inspect(CliTestModels.image(dir, 0), photos.toString());
        assertOneLineInputError(o, "pixel_values", "broken.png");
    }

    @Test
    void aPreprocessingThatDoesNotMatchTheInputShape() throws Exception {
        Path photos = dir.resolve("photos");
        int[][][] rgb = new int[4][4][];
        for (int[][] row : rgb) {
            Arrays.fill(row, new int[] {9, 9, 9});
        }
        TestFiles.png(photos.resolve("a/one.png"), rgb);
        Outcome o = inspect(CliTestModels.image(dir, 4), photos.toString(), "--resize", "8");
        assertOneLineInputError(o, "pixel_values", "photos", "--resize/--crop", "[3, 4, 4]", "[3, 8, 8]");
    }

    @Test
    void anNpyOfAnUnsupportedDtype() throws Exception {
        Path x = TestFiles.write(dir.resolve("complex.npy"), TestFiles.npyComplex(2, 3));
        Outcome o = inspect(CliTestModels.matMulHead(dir), "x=" + x);
        assertOneLineInputError(o, "x", "complex.npy", "<c8");
    }

    @Test
    void flatRowsForAnImageInputOfFreeSizeNameTheSampleShapeOption() throws Exception {
        Path model = CliTestModels.image(dir, 0);
        Path flat = TestFiles.write(dir.resolve("flat.npy"), TestFiles.npy(new float[2 * 48], 2, 48));
        Outcome o = inspect(model, "pixel_values=" + flat);
        assertOneLineInputError(o, "pixel_values", "flat.npy", "--sample-shape pixel_values=3,height,width");
        Outcome fixed = inspect(model, "pixel_values=" + flat, "--sample-shape", "pixel_values=3,4,4", "--quiet");
        assertThat(fixed.code()).as(fixed.err()).isZero();
    }

    @Test
    void aBuiltInDatasetForAnImageInputOfFreeSizeNamesTheSampleShapeOption() throws Exception {
        // the OCR case of issue 20: [N, 3, H, W] with free H, W; 784-value rows of Fashion-MNIST fit [1, 28, 28]
        // only when the model has one channel, so here the hint names 3,height,width
        Outcome o = inspect(CliTestModels.image(dir, 0), "fashion-mnist-test:10");
        assertOneLineInputError(o, "pixel_values", "fashion-mnist-test:10", "--sample-shape");
    }

    @Test
    void aSampleShapeThatDoesNotHoldTheRow() throws Exception {
        Outcome o =
                inspect(CliTestModels.image(dir, 0), "fashion-mnist-test:10", "--sample-shape", "pixel_values=3,28,28");
        assertOneLineInputError(o, "fashion-mnist-test:10", "[784]", "3, 28, 28");
    }
}
