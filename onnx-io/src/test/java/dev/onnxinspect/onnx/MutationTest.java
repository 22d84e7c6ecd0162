package dev.onnxinspect.onnx;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import ai.onnx.proto.OnnxMl.GraphProto;
import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnx.proto.OnnxMl.NodeProto;
import ai.onnx.proto.OnnxMl.TensorProto;
import dev.onnxinspect.OnnxInspectException;
import java.io.ByteArrayInputStream;
import java.nio.file.Files;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Seeded corruptions of real exported models (bytes flipped, truncated, inserted, protobuf fields dropped or
 * rewired) must each either load or fail with {@link ModelFormatException}; a model that loads must also describe,
 * instrument and answer weight queries with nothing but {@link OnnxInspectException}s. Anything else (another
 * exception type, an error, a hang) fails the test.
 */
class MutationTest {
    private static final Logger LOG = LoggerFactory.getLogger(MutationTest.class);
    private static final int MUTATIONS = 800;
    private static final List<String> MODELS = List.of(
            "pytorch-converted/test_Linear",
            "pytorch-converted/test_Conv2d_padding",
            "pytorch-converted/test_BatchNorm2d_momentum_eval",
            "pytorch-converted/test_Conv3d_groups",
            "pytorch-operator/test_operator_conv",
            "node/test_gemm_all_attributes",
            "node/test_if",
            "simple/test_single_relu_model");

    @Test
    void corruptedModelsLoadOrFailWithModelFormatException() throws Exception {
        List<byte[]> originals = new ArrayList<>();
        for (String m : MODELS) {
            originals.add(Files.readAllBytes(BackendModels.dir(m).resolve("model.onnx")));
        }
        Map<String, int[]> outcomes = new TreeMap<>();
        List<String> failures = new ArrayList<>();
        assertTimeoutPreemptively(Duration.ofSeconds(60), () -> {
            Random random = new Random(20261123L);
            for (int i = 0; i < MUTATIONS; i++) {
                byte[] original = originals.get(i % originals.size());
                int kind = random.nextInt(KINDS.length);
                byte[] mutated = mutate(kind, original, random);
                String label = MODELS.get(i % originals.size()) + " mutation #" + i + " (" + KINDS[kind] + ")";
                int[] counts = outcomes.computeIfAbsent(KINDS[kind], k -> new int[2]);
                try {
                    OnnxModel model = i % 2 == 0
                            ? OnnxModel.fromBytes(mutated)
                            : OnnxModel.read(new ByteArrayInputStream(mutated), label);
                    counts[0]++;
                    exercise(model);
                } catch (ModelFormatException expected) {
                    counts[1]++;
                    assertThat(expected.getMessage()).isNotBlank();
                } catch (Throwable t) {
                    failures.add(label + ": " + t);
                }
            }
        });
        StringBuilder summary = new StringBuilder("mutation test: " + MUTATIONS + " corrupted models (loaded / "
                + "rejected with ModelFormatException):");
        outcomes.forEach((k, c) -> summary.append(' ')
                .append(k)
                .append(' ')
                .append(c[0])
                .append('/')
                .append(c[1]));
        LOG.info("{}; {} failures", summary, failures.size());
        assertThat(failures).as(summary.toString()).isEmpty();
        int loaded = outcomes.values().stream().mapToInt(c -> c[0]).sum();
        int rejected = outcomes.values().stream().mapToInt(c -> c[1]).sum();
        assertThat(loaded).isPositive();
        assertThat(rejected).isPositive();
    }

    /** A loaded model answers every query with a result or an OnnxInspectException. */
    private static void exercise(OnnxModel model) {
        model.describe().format();
        model.instrument(TensorSelector.all()).model().toBytes();
        for (String init : model.index().initializers()) {
            try {
                model.initializer(init);
            } catch (OnnxInspectException acceptable) {
                // unsupported type or inconsistent data: a clear error is the right answer
            }
        }
        try {
            model.lastDenseLayer();
        } catch (OnnxInspectException acceptable) {
            // not every model has one
        }
    }

    private static final String[] KINDS = {
        "flip-bytes",
        "truncate",
        "insert-bytes",
        "drop-node",
        "drop-initializer-or-input",
        "rewire-input",
        "retype-initializer",
        "version-or-opset"
    };

    private static byte[] mutate(int kind, byte[] original, Random random) throws Exception {
        byte[] b = original.clone();
        switch (kind) {
            case 0 -> {
                int flips = 1 + random.nextInt(8);
                for (int k = 0; k < flips; k++) {
                    b[random.nextInt(b.length)] = (byte) random.nextInt(256);
                }
                return b;
            }
            case 1 -> {
                return Arrays.copyOf(b, random.nextInt(b.length));
            }
            case 2 -> {
                int at = random.nextInt(b.length + 1);
                byte[] junk = new byte[1 + random.nextInt(16)];
                random.nextBytes(junk);
                byte[] out = new byte[b.length + junk.length];
                System.arraycopy(b, 0, out, 0, at);
                System.arraycopy(junk, 0, out, at, junk.length);
                System.arraycopy(b, at, out, at + junk.length, b.length - at);
                return out;
            }
            case 6, 7 -> {
                ModelProto model = ModelProto.parseFrom(original);
                if (kind == 7) {
                    return random.nextBoolean()
                            ? model.toBuilder()
                                    .setIrVersion(random.nextInt(20))
                                    .build()
                                    .toByteArray()
                            : model.toBuilder().clearOpsetImport().build().toByteArray();
                }
                GraphProto.Builder g = model.getGraph().toBuilder();
                if (g.getInitializerCount() > 0) {
                    int i = random.nextInt(g.getInitializerCount());
                    TensorProto.Builder t = g.getInitializer(i).toBuilder()
                            .setDataType(random.nextInt(26))
                            .clearDims();
                    int rank = random.nextInt(4);
                    for (int d = 0; d < rank; d++) {
                        t.addDims(random.nextInt(6) - 1);
                    }
                    g.setInitializer(i, t);
                }
                return model.toBuilder().setGraph(g).build().toByteArray();
            }
            default -> {
                ModelProto model = ModelProto.parseFrom(original);
                GraphProto.Builder g = model.getGraph().toBuilder();
                if (kind == 3 && g.getNodeCount() > 0) {
                    g.removeNode(random.nextInt(g.getNodeCount()));
                } else if (kind == 4 && g.getInitializerCount() > 0 && random.nextBoolean()) {
                    g.removeInitializer(random.nextInt(g.getInitializerCount()));
                } else if (kind == 4 && g.getInputCount() > 0) {
                    g.removeInput(random.nextInt(g.getInputCount()));
                } else if (g.getNodeCount() > 0) {
                    // point a node's input at another node's output (may create a cycle) or at nothing
                    int n = random.nextInt(g.getNodeCount());
                    NodeProto node = g.getNode(n);
                    if (node.getInputCount() > 0) {
                        NodeProto other = g.getNode(random.nextInt(g.getNodeCount()));
                        String target =
                                random.nextBoolean() && other.getOutputCount() > 0 ? other.getOutput(0) : "ghost";
                        g.setNode(n, node.toBuilder().setInput(random.nextInt(node.getInputCount()), target));
                    }
                }
                return model.toBuilder().setGraph(g).build().toByteArray();
            }
        }
    }
}
