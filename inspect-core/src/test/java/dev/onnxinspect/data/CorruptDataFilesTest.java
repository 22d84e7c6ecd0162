package dev.onnxinspect.data;

import static org.assertj.core.api.Assertions.assertThat;

import dev.onnxinspect.OnnxInspectException.Kind;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.function.Function;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 13, item 5 for the readers of inspect-core: every truncation and every single-byte corruption of a valid
 * {@code .npy}, {@code .npz}, PNG and JPEG file (the fuzz seeds, {@code scripts/fuzz-seeds/data_seeds.py}) is either
 * read to the end or refused with a {@link DatasetException} of {@link Kind#INVALID_INPUT} (exit code 3) in one line
 * that names the file. Before, a damaged {@code .npz} gave a {@code ZipException} (an I/O error, exit code 4) that
 * did not name the file.
 */
class CorruptDataFilesTest {
    private static final Path SEEDS = Path.of("src/test/resources/dev/onnxinspect/data/DataFilesFuzzTestInputs");

    @TempDir
    Path dir;

    /** Reads every batch, or checks the refusal; anything else fails the test, naming the corruption. */
    private static boolean refused(DataSpec spec, Path named, String what) {
        try (FileSource source = spec.open()) {
            source.batches(3).forEachRemaining(b -> {});
            return false;
        } catch (DatasetException e) {
            assertThat(e.getMessage()).as(what).contains(named.toString()).doesNotContain("\n");
            assertThat(e.kind()).as(what).isEqualTo(Kind.INVALID_INPUT);
            return true;
        } catch (IOException | RuntimeException | Error e) {
            throw new AssertionError(what + ": " + e, e);
        }
    }

    /** Counts the refusals over every third truncation and every corruption (xor 0x01, 0x80, 0xff) of {@code good}. */
    private static int corruptions(byte[] good, Function<byte[], Boolean> check) {
        int refusals = 0;
        for (int cut = 0; cut < good.length; cut += 3) {
            refusals += check.apply(Arrays.copyOf(good, cut)) ? 1 : 0;
        }
        for (int at = 0; at < good.length; at++) {
            for (int flip : new int[] {0x01, 0x80, 0xff}) {
                byte[] bad = good.clone();
                bad[at] ^= (byte) flip;
                refusals += check.apply(bad) ? 1 : 0;
            }
        }
        return refusals;
    }

    private Path write(String name, byte[] bytes) {
        try {
            Files.createDirectories(dir.resolve(name).getParent());
            return Files.write(dir.resolve(name), bytes);
        } catch (IOException e) {
            throw new AssertionError(e);
        }
    }

    @Test
    void damagedNpyFilesAreRefusedNamingTheFile() throws IOException {
        for (String seed : new String[] {"seed-arange_f4.npy", "seed-v2_i8.npy"}) {
            byte[] good = Files.readAllBytes(SEEDS.resolve("npy").resolve(seed));
            int refusals = corruptions(good, bytes -> {
                Path file = write("x.npy", bytes);
                return refused(
                        DataSpec.builder().input(InputMapping.file("x", file)).build(), file, seed);
            });
            assertThat(refusals).as(seed).isPositive();
        }
    }

    @Test
    void damagedNpzFilesAreRefusedNamingTheFile() throws IOException {
        for (String seed : new String[] {"seed-xy-stored.npz", "seed-xy-deflated.npz"}) {
            byte[] good = Files.readAllBytes(SEEDS.resolve("npz").resolve(seed));
            // before: a ZipException ("invalid LOC header", "invalid stored block lengths") without the file's name
            int refusals = corruptions(good, bytes -> {
                Path file = write("x.npz", bytes);
                DataSpec spec = DataSpec.builder()
                        .input(InputMapping.column("x", file, "x"))
                        .labels(file, "y")
                        .build();
                return refused(spec, file, seed);
            });
            assertThat(refusals).as(seed).isPositive();
        }
    }

    @Test
    void damagedImagesAreRefusedNamingTheFile() throws IOException {
        for (String seed : new String[] {"seed-png", "seed-solid_progressive.jpg"}) {
            byte[] withChoice = Files.readAllBytes(SEEDS.resolve("imageFolder").resolve(seed));
            byte[] good = Arrays.copyOfRange(withChoice, 1, withChoice.length); // the fuzz target's first byte
            String name = seed.endsWith(".jpg") ? "x.jpg" : "x.png";
            int refusals = corruptions(good, bytes -> {
                Path file = write(seed + "/a/" + name, bytes);
                DataSpec spec = DataSpec.builder()
                        .input(InputMapping.imageFolder(
                                "image",
                                dir.resolve(seed),
                                ImagePreprocessing.builder().build()))
                        .build();
                return refused(spec, file, seed);
            });
            assertThat(refusals).as(seed).isPositive();
        }
    }
}
