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
 * <p>Choice: the version is raised for new types, not only for changed layouts. Versions: 3 (2026-12-07) adds the SPEC §5b detector types (fDBD, RMDS, GEN, SCALE, MSP with temperature,
 * Entropy) and changes no earlier type's layout: version 2 and 1 files are read as before, and a version 3 file read by
 * an older library is refused by its version check with the advice to refit, instead of failing on an unknown type
 * midway. A §5b type in a file of version 1 or 2 is refused as damaged (no such file was ever written). Version 2
 * (2026-12-07) stores the pattern-distance state as integer counts (SPEC §5 amendment: its cosine is
 * computed from integer sums); version 1 stored frequencies, from which the counts cannot be recovered. Version 1
 * files are still read, detector by detector with the same layout, except that a pattern-distance entry in one is
 * refused with a message that says to refit. New detector types (SPEC §5b: {@code nnguide}, {@code relation},
 * {@code nac_ue}, 2026-12-07) add type ids without a new version: the version changes only when the layout of a type
 * already written changes, so every file written before stays readable; a reader that does not know a type refuses
 * the file naming that type. A file is written to
 * a temporary name in the target directory and renamed when complete ({@link AtomicFiles}), so a crash never leaves
 * a truncated file under the final name; it gets the permissions of a normally created file.
 */
public final class DetectorFiles {
    static final int MAGIC = 0x4F4F4444;
    public static final int FORMAT_VERSION = 3;
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
            // SPEC §5b (logit/feature detectors)
            case FdbdDetector.TYPE -> since(3, version, type, file, FdbdDetector::read, in);
            case RmdsDetector.TYPE -> since(3, version, type, file, RmdsDetector::read, in);
            case GenDetector.TYPE -> since(3, version, type, file, GenDetector::read, in);
            case ScaleDetector.TYPE -> since(3, version, type, file, ScaleDetector::read, in);
            case MspTemperatureDetector.TYPE -> since(3, version, type, file, MspTemperatureDetector::read, in);
            case EntropyDetector.TYPE -> since(3, version, type, file, EntropyDetector::read, in);
            // SPEC §5b (bank/gradient detectors)
            case NnGuideDetector.TYPE -> since(3, version, type, file, NnGuideDetector::read, in);
            case RelationDetector.TYPE -> since(3, version, type, file, RelationDetector::read, in);
            case NacUeDetector.TYPE -> since(3, version, type, file, NacUeDetector::read, in);
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
            default ->
                throw new OodException(
                        file + " holds a detector of unknown type '" + type + "'; it was"
                                + " saved by a newer onnx-inspect or is damaged: load it with that version, or fit and save again");
        };
    }

    /** A reader of one detector type's state. */
    @FunctionalInterface
    private interface StateReader {
        OodDetector read(DataInputStream in) throws IOException;
    }

    /** Reads a type that exists since format version {@code first}; in an older file it is refused as damaged. */
    private static OodDetector since(
            int first, int version, String type, Path file, StateReader reader, DataInputStream in) throws IOException {
        if (version < first) {
            throw new OodException(file + " holds a detector of type '" + type + "', which format version " + version
                    + " does not have (it came with version " + first + "): the file is damaged; fit and save the"
                    + " detectors again");
        }
        return reader.read(in);
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
