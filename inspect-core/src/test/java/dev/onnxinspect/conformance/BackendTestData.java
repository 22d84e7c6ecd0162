package dev.onnxinspect.conformance;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * The ONNX backend test data ({@code onnx-testdata}): one directory per test with {@code model.onnx} and
 * {@code test_data_set_k/input_i.pb, output_i.pb} (serialized TensorProtos, or Sequence/Map/Optional protos for
 * non-tensor values).
 */
final class BackendTestData {
    private static final Pattern INDEXED = Pattern.compile("(input|output)_(\\d+)\\.pb");

    private BackendTestData() {}

    /** One test directory. */
    record Case(String name, Path dir) {
        Path model() {
            return dir.resolve("model.onnx");
        }

        List<DataSet> dataSets() throws IOException {
            List<DataSet> sets = new ArrayList<>();
            try (Stream<Path> s = Files.list(dir)) {
                for (Path p : s.filter(Files::isDirectory).sorted().toList()) {
                    if (p.getFileName().toString().startsWith("test_data_set_")) {
                        sets.add(new DataSet(indexed(p, "input"), indexed(p, "output")));
                    }
                }
            }
            return sets;
        }
    }

    /** The input and output files of one data set, each in index order. */
    record DataSet(List<Path> inputs, List<Path> outputs) {}

    /**
     * The data directory: {@code $ONNX_INSPECT_DATA/onnx-testdata} or
     * {@code ~/.cache/onnx-inspect/datasets/onnx-testdata}.
     *
     * @throws IllegalStateException telling how to fetch the data when it is missing
     */
    static Path root() {
        String env = System.getenv("ONNX_INSPECT_DATA");
        Path base = env != null && !env.isBlank()
                ? Path.of(env)
                : Path.of(System.getProperty("user.home"), ".cache", "onnx-inspect", "datasets");
        Path root = base.resolve("onnx-testdata");
        if (!Files.isDirectory(root)) {
            throw new IllegalStateException("ONNX backend test data not found at " + root
                    + "; run scripts/fetch-data.sh onnx-testdata (or set ONNX_INSPECT_DATA to the datasets directory)");
        }
        return root;
    }

    /** Every test directory under the root's groups (node, simple, pytorch-converted, ...), sorted by path. */
    static List<Case> cases() throws IOException {
        Path root = root();
        List<Case> cases = new ArrayList<>();
        try (Stream<Path> groups = Files.list(root)) {
            for (Path group : groups.filter(Files::isDirectory).sorted().toList()) {
                try (Stream<Path> tests = Files.list(group)) {
                    tests.filter(Files::isDirectory)
                            .sorted()
                            .forEach(t -> cases.add(new Case(group.getFileName() + "/" + t.getFileName(), t)));
                }
            }
        }
        return cases;
    }

    private static List<Path> indexed(Path dir, String kind) throws IOException {
        try (Stream<Path> s = Files.list(dir)) {
            return s.filter(p -> {
                        Matcher m = INDEXED.matcher(p.getFileName().toString());
                        return m.matches() && m.group(1).equals(kind);
                    })
                    .sorted(Comparator.comparingInt(BackendTestData::index))
                    .toList();
        }
    }

    private static int index(Path p) {
        Matcher m = INDEXED.matcher(p.getFileName().toString());
        return m.matches() ? Integer.parseInt(m.group(2)) : -1;
    }
}
