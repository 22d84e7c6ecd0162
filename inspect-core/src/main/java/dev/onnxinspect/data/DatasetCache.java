package dev.onnxinspect.data;

import dev.onnxinspect.OnnxInspectException.Kind;
import dev.onnxinspect.io.Sha256;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The local directory that holds the project's datasets, as {@code scripts/fetch-data.sh} lays them out, and the
 * check of every file against the SHA-256 sums recorded in the resource {@code dev/onnxinspect/data/datasets.sha256}.
 *
 * <p>The directory is, in order of precedence: the system property {@value #PROPERTY}, the environment variable
 * {@value #ENV}, else {@code ~/.cache/onnx-inspect/datasets}. A file is hashed once per JVM (again only when its
 * size or modification time changes).
 */
public final class DatasetCache {
    /** System property naming the cache directory. */
    public static final String PROPERTY = "onnxinspect.data";
    /** Environment variable naming the cache directory (also read by {@code scripts/fetch-data.sh}). */
    public static final String ENV = "ONNX_INSPECT_DATA";

    private static final String SUMS_RESOURCE = "/dev/onnxinspect/data/datasets.sha256";
    private static final Map<String, String> EXPECTED_SUMS = loadSums();
    private static final Map<Path, Stamp> VERIFIED = new ConcurrentHashMap<>();

    private final Path directory;

    private DatasetCache(Path directory) {
        this.directory = directory.toAbsolutePath().normalize();
    }

    /** The cache directory chosen by the property, the environment variable or the default, in that order. */
    public static DatasetCache standard() {
        return new DatasetCache(
                resolveDirectory(System.getProperty(PROPERTY), System.getenv(ENV), System.getProperty("user.home")));
    }

    /** A cache rooted at the given directory. */
    public static DatasetCache at(Path directory) {
        return new DatasetCache(directory);
    }

    static Path resolveDirectory(String property, String env, String home) {
        if (property != null && !property.isBlank()) {
            return Path.of(property);
        }
        if (env != null && !env.isBlank()) {
            return Path.of(env);
        }
        return Path.of(home, ".cache", "onnx-inspect", "datasets");
    }

    public Path directory() {
        return directory;
    }

    /**
     * The path of a dataset file after checking that it exists and matches its recorded SHA-256.
     *
     * @param relativePath the path as recorded in {@code datasets.sha256}, e.g.
     *                     {@code fashion-mnist/train-images-idx3-ubyte.gz}; its first segment names the dataset
     * @throws DatasetException when the file is not recorded, is missing, or its checksum differs; the message
     *                          gives the command that fetches the dataset
     */
    public Path verifiedFile(String relativePath) {
        String expected = EXPECTED_SUMS.get(relativePath);
        if (expected == null) {
            throw new DatasetException("no SHA-256 is recorded for dataset file " + relativePath + " in "
                    + SUMS_RESOURCE + "; known files: " + EXPECTED_SUMS.keySet());
        }
        Path file = directory.resolve(relativePath);
        if (!Files.isRegularFile(file)) {
            throw new DatasetException(
                    Kind.IO,
                    "dataset file " + relativePath + " is missing from the dataset cache " + directory
                            + ". Fetch it with: " + fetchCommand(relativePath));
        }
        try {
            Stamp stamp = new Stamp(Files.size(file), Files.getLastModifiedTime(file));
            if (stamp.equals(VERIFIED.get(file))) {
                return file;
            }
            String actual = Sha256.of(file);
            if (!actual.equals(expected)) {
                throw new DatasetException("dataset file " + file + " is corrupt or a different version: SHA-256 "
                        + actual + ", expected " + expected + ". Fetch it again with: " + fetchCommand(relativePath));
            }
            VERIFIED.put(file, stamp);
            return file;
        } catch (IOException e) {
            throw new DatasetException(
                    Kind.IO,
                    "cannot read dataset file " + file + ": " + e.getMessage() + ". Fetch it again with: "
                            + fetchCommand(relativePath),
                    e);
        }
    }

    /** The command that fetches the dataset holding the file, into this cache. */
    String fetchCommand(String relativePath) {
        String dataset = relativePath.substring(0, relativePath.indexOf('/'));
        Path standardDir = resolveDirectory(null, System.getenv(ENV), System.getProperty("user.home"))
                .toAbsolutePath()
                .normalize();
        String prefix = directory.equals(standardDir) ? "" : ENV + "=" + directory + " ";
        return prefix + "scripts/fetch-data.sh " + dataset;
    }

    private record Stamp(long size, FileTime modified) {}

    private static Map<String, String> loadSums() {
        Map<String, String> sums = new HashMap<>();
        try (InputStream in = DatasetCache.class.getResourceAsStream(SUMS_RESOURCE)) {
            if (in == null) {
                throw new IllegalStateException("resource " + SUMS_RESOURCE + " is missing from the classpath");
            }
            BufferedReader reader = new BufferedReader(new InputStreamReader(in, StandardCharsets.US_ASCII));
            String line;
            while ((line = reader.readLine()) != null) {
                line = line.strip();
                if (line.isEmpty() || line.startsWith("#")) {
                    continue;
                }
                String[] parts = line.split("\\s+", 2);
                sums.put(parts[1], parts[0]);
            }
        } catch (IOException e) {
            throw new IllegalStateException("cannot read resource " + SUMS_RESOURCE, e);
        }
        return Collections.unmodifiableMap(new LinkedHashMap<>(sums));
    }
}
