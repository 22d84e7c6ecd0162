package dev.onnxinspect.ood;

import dev.onnxinspect.OnnxInspectException;
import dev.onnxinspect.OnnxInspectException.Kind;
import dev.onnxinspect.io.AtomicFiles;
import dev.onnxinspect.io.FileErrors;
import java.io.BufferedInputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Saves fitted detectors to a file and loads them back with bit-identical scores (SPEC §5: "every fitted detector
 * can be saved and loaded").
 *
 * <p>Format (big-endian, {@link DataOutputStream}): int magic {@code 0x4F4F4444} ("OODD"), int format version
 * ({@value #FORMAT_VERSION}), UTF model SHA-256 (as the caller gives it), int detector count, then per detector a UTF
 * type id followed by the type's parameters and fitted state (float64 values written exactly).
 *
 * <p>Versions: 2 (2026-12-07) stores the pattern-distance state as integer counts (SPEC §5 amendment: its cosine is
 * computed from integer sums); version 1 stored frequencies, from which the counts cannot be recovered. Version 1
 * files are still read, detector by detector with the same layout, except that a pattern-distance entry in one is
 * refused with a message that says to refit. A file is written to
 * a temporary name in the target directory and renamed when complete ({@link AtomicFiles}), so a crash never leaves
 * a truncated file under the final name; it gets the permissions of a normally created file.
 */
public final class DetectorFiles {
    static final int MAGIC = 0x4F4F4444;
    public static final int FORMAT_VERSION = 2;
    /** The oldest format version read; it differs from version 2 only in the pattern-distance state. */
    static final int OLDEST_READ_VERSION = 1;

    private DetectorFiles() {}

    /** Saves one detector; see {@link #save(Path, String, List)}. */
    public static void save(Path file, String modelSha256, OodDetector detector) throws IOException {
        save(file, modelSha256, List.of(detector));
    }

    /**
     * Saves detectors fitted for the model with the given SHA-256.
     *
     * @throws OodException if a detector is not one of this package's detectors, or the hash is empty
     */
    public static void save(Path file, String modelSha256, List<? extends OodDetector> detectors) throws IOException {
        checkHash(modelSha256);
        List<PersistentDetector> persistent = new ArrayList<>();
        for (OodDetector d : detectors) {
            if (!(d instanceof PersistentDetector p)) {
                throw new OodException(
                        Kind.UNSUPPORTED,
                        "cannot save detector " + d.name() + " (" + d.getClass().getName()
                                + "): only the detectors of dev.onnxinspect.ood can be saved");
            }
            persistent.add(p);
        }
        Path target = file.toAbsolutePath();
        AtomicFiles.write(target, stream -> {
            DataOutputStream out = new DataOutputStream(stream);
            out.writeInt(MAGIC);
            out.writeInt(FORMAT_VERSION);
            out.writeUTF(modelSha256);
            out.writeInt(persistent.size());
            for (PersistentDetector p : persistent) {
                out.writeUTF(p.typeId());
                p.writeState(out);
            }
            out.flush();
        });
    }

    /**
     * Loads the detectors of a file saved by {@link #save}.
     *
     * @param expectedModelSha256 the SHA-256 of the model the detectors will score
     * @throws OodException if the file is not a detector file, has an unknown format version or type, was saved
     *                      for a different model, or holds a pattern-distance detector in format version 1
     */
    public static List<OodDetector> load(Path file, String expectedModelSha256) throws IOException {
        checkHash(expectedModelSha256);
        try (DataInputStream in = new DataInputStream(new BufferedInputStream(Files.newInputStream(file)))) {
            int magic = in.readInt();
            if (magic != MAGIC) {
                throw new OodException(file + " is not an onnx-inspect detector file (magic 0x"
                        + Integer.toHexString(magic) + ", expected 0x" + Integer.toHexString(MAGIC) + ")");
            }
            int version = in.readInt();
            if (version < OLDEST_READ_VERSION || version > FORMAT_VERSION) {
                throw new OodException(
                        Kind.UNSUPPORTED,
                        file + " has detector format version " + version + "; this"
                                + " library reads versions " + OLDEST_READ_VERSION + " to " + FORMAT_VERSION
                                + ". Refit and"
                                + " save the detectors with this version");
            }
            String sha = in.readUTF();
            if (!sha.equalsIgnoreCase(expectedModelSha256)) {
                throw new OodException(file + " holds detectors fitted for the model with SHA-256 " + sha + ", but "
                        + "the model given has SHA-256 " + expectedModelSha256 + "; refit the detectors on this model");
            }
            int count = in.readInt();
            List<OodDetector> detectors = new ArrayList<>();
            for (int k = 0; k < count; k++) {
                detectors.add(read(in.readUTF(), in, file, version));
            }
            return List.copyOf(detectors);
        } catch (EOFException e) {
            throw new OodException(file + " ends early: it is truncated or not a detector file", e);
        } catch (FileSystemException e) {
            throw FileErrors.cannot("read", file, e);
        } catch (IOException | RuntimeException e) {
            if (e instanceof OnnxInspectException refusal) {
                throw refusal;
            }
            // a malformed string (UTFDataFormatException), an impossible count or size: the file is damaged
            throw new OodException(
                    file + " is damaged or not a detector file (" + e.getClass().getSimpleName() + ": "
                            + firstLine(e.getMessage()) + "); fit and save the detectors again",
                    e);
        }
    }

    private static OodDetector read(String type, DataInputStream in, Path file, int version) throws IOException {
        return switch (type) {
            case MaxSoftmaxDetector.TYPE -> MaxSoftmaxDetector.read(in);
            case MaxLogitDetector.TYPE -> MaxLogitDetector.create();
            case EnergyDetector.TYPE -> EnergyDetector.read(in);
            case GradNormDetector.TYPE -> GradNormDetector.create();
            case KlMatchingDetector.TYPE -> KlMatchingDetector.read(in);
            case MahalanobisDetector.TYPE -> MahalanobisDetector.read(in);
            case KnnDetector.TYPE -> KnnDetector.read(in);
            case ReactDetector.TYPE -> ReactDetector.read(in);
            case AshDetector.TYPE -> AshDetector.read(in);
            case DiceDetector.TYPE -> DiceDetector.read(in);
            case VimDetector.TYPE -> VimDetector.read(in);
            case SheDetector.TYPE -> SheDetector.read(in);
            case NapDetector.TYPE -> NapDetector.read(in);
            case ProfileKlDetector.TYPE -> ProfileKlDetector.read(in);
            case PatternDistanceDetector.TYPE -> {
                if (version < 2) {
                    throw new OodException(
                            Kind.UNSUPPORTED,
                            file + " holds a pattern-distance detector in format"
                                    + " version 1, which kept class frequencies; pattern distance now computes"
                                    + " its cosine from"
                                    + " the integer class counts (SPEC §5), which the file lacks. Fit and save"
                                    + " the detectors"
                                    + " (or the guard) again");
                }
                yield PatternDistanceDetector.read(in);
            }
            default -> throw new OodException(file + " holds a detector of unknown type '" + type + "'");
        };
    }

    private static String firstLine(String message) {
        if (message == null) {
            return "";
        }
        int newline = message.indexOf('\n');
        return newline < 0 ? message : message.substring(0, newline);
    }

    private static void checkHash(String sha) {
        if (sha == null || sha.isBlank()) {
            throw new OodException("a model SHA-256 is required to save or load detectors, got '" + sha + "'");
        }
    }
}
