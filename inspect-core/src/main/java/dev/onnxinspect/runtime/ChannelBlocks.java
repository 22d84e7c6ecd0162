package dev.onnxinspect.runtime;

import ai.onnx.proto.OnnxMl.AttributeProto;
import ai.onnx.proto.OnnxMl.GraphProto;
import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnx.proto.OnnxMl.NodeProto;
import ai.onnx.proto.OnnxMl.ValueInfoProto;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtLoggingLevel;
import ai.onnxruntime.OrtSession;
import com.google.protobuf.InvalidProtocolBufferException;
import dev.onnxinspect.onnx.TensorShape;
import dev.onnxinspect.onnx.graph.ConvOptions;
import dev.onnxinspect.onnx.graph.GraphBuilder;
import java.io.IOException;
import java.nio.FloatBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * ONNX Runtime's blocked channel layout for exposed convolution outputs ({@link SessionConfig#blockedChannels()}).
 *
 * <p>On CPUs with AVX2 or AVX-512, ONNX Runtime's optimisation level ALL runs convolutions, pooling and their fused
 * activations in the NCHWc layout: a {@code [C, H, W]} sample is stored as {@code C / b} blocks of {@code [H, W, b]}
 * (b = 8 with AVX2, 16 with AVX-512), channel c of position p at {@code ((c / b) * H * W + p) * b + c % b}. A
 * tensor that leaves the model as a graph output is reordered into NCHW first, by a {@code ReorderOutput} node the
 * optimiser adds. For an inspection that exposes every ReLU map of a CNN these reorders are a fifth of the model's
 * time, on the inference thread.
 *
 * <p>{@link #rewrite} takes the model as ONNX Runtime optimised it and removes the reorders whose only use is a
 * graph output with a whole number of channel blocks; the output then carries the blocked tensor (same shape, other
 * order). {@link LayerActivations} made from such outputs remember the block and present NCHW order to every
 * reader; the statistics read the stored order and reorder their per-neuron counts once at the end.
 *
 * <p>The block size is found once per process by running a small calibration model ({@link #blockSize()}): a
 * convolution whose output channel c holds c + 1 everywhere, exposed through the same rewrite. No block is used (0)
 * when ONNX Runtime does not use the layout on this CPU or the calibration finds no consistent block.
 */
public final class ChannelBlocks {
    static final String NCHWC_DOMAIN = "com.microsoft.nchwc";
    static final String REORDER_OUTPUT = "ReorderOutput";

    private static final Logger LOG = LoggerFactory.getLogger(ChannelBlocks.class);
    private static final int CALIBRATION_CHANNELS = 32;
    private static final int CALIBRATION_SIDE = 5;
    private static final Object LOCK = new Object();
    private static volatile int calibrated = -1;

    private ChannelBlocks() {}

    /** A model whose blocked outputs are handed over blocked, with the block of each such output. */
    record Rewrite(byte[] model, Map<String, Integer> blocks) {}

    /**
     * The channel block of ONNX Runtime's NCHWc layout on this CPU (8 or 16), or 0 when the layout is not used here;
     * measured once per process.
     */
    public static int blockSize() {
        int block = calibrated;
        if (block >= 0) {
            return block;
        }
        synchronized (LOCK) {
            if (calibrated < 0) {
                calibrated = calibrate();
            }
            return calibrated;
        }
    }

    /**
     * Where neuron {@code j} of a {@code [C, H, W]} sample ({@code j = c * H * W + p}) lies in a row stored with
     * channel block {@code block} (0: NCHW, j itself).
     */
    public static int storedIndex(int j, int spatial, int block) {
        if (block == 0) {
            return j;
        }
        int c = j / spatial;
        int p = j - c * spatial;
        return ((c / block) * spatial + p) * block + c % block;
    }

    /**
     * For every neuron of a sample with {@code units} values in {@code spatial} positions per channel, where it lies
     * in the row stored with {@code block}: {@code order[j] = storedIndex(j, spatial, block)}.
     */
    public static int[] storedOrder(int units, int spatial, int block) {
        int[] order = new int[units];
        for (int j = 0; j < units; j++) {
            order[j] = storedIndex(j, spatial, block);
        }
        return order;
    }

    /** Copies a stored row {@code src[from ..]} into {@code dst[to .. to + channels * spatial)} in NCHW order. */
    static void unblock(float[] src, int from, float[] dst, int to, int channels, int spatial, int block) {
        for (int cb = 0; cb < channels; cb += block) {
            int base = from + cb * spatial;
            for (int p = 0; p < spatial; p++) {
                int s = base + p * block;
                for (int l = 0; l < block; l++) {
                    dst[to + (cb + l) * spatial + p] = src[s + l];
                }
            }
        }
    }

    /** A batch of {@code samples} rows stored with {@code block}, in NCHW order (a new array). */
    static float[] unblockBatch(float[] stored, int samples, int channels, int spatial, int block) {
        float[] ordered = new float[stored.length];
        int units = channels * spatial;
        for (int i = 0; i < samples; i++) {
            unblock(stored, i * units, ordered, i * units, channels, spatial, block);
        }
        return ordered;
    }

    /** Array-backed activations in NCHW order made from array-backed ones that hold a blocked batch. */
    static LayerActivations unblock(LayerActivations stored, int block) {
        int[] shape = stored.unitShape();
        float[] ordered = unblockBatch(stored.values(), stored.samples(), shape[0], shape[1] * shape[2], block);
        return new LayerActivations(stored.layer(), ordered, stored.samples(), shape);
    }

    /** A float32 {@code [N, C, H, W]} tensor in NCHW order made from one that holds a blocked batch. */
    static TypedTensor unblock(TypedTensor stored, int block) {
        long[] shape = stored.shape();
        if (!(stored.array() instanceof float[] values) || shape.length != 4) {
            throw new InferenceException("output " + stored.name() + " is handed over in blocked channel layout but"
                    + " reads as " + stored.type() + " " + java.util.Arrays.toString(shape)
                    + "; open the session without blockedChannels to read it");
        }
        float[] ordered = unblockBatch(
                values,
                Math.toIntExact(shape[0]),
                Math.toIntExact(shape[1]),
                Math.toIntExact(shape[2] * shape[3]),
                block);
        return new TypedTensor(stored.name(), stored.type(), shape, ordered);
    }

    /**
     * Copies a row of bit patterns stored with channel block {@code block} ({@code src[0 .. channels * spatial)})
     * into {@code dst} in NCHW order.
     */
    public static void unblock(int[] src, int[] dst, int channels, int spatial, int block) {
        for (int cb = 0; cb < channels; cb += block) {
            int base = cb * spatial;
            for (int p = 0; p < spatial; p++) {
                int s = base + p * block;
                for (int l = 0; l < block; l++) {
                    dst[(cb + l) * spatial + p] = src[s + l];
                }
            }
        }
    }

    /**
     * Removes, from a model ONNX Runtime optimised, every {@code ReorderOutput} to NCHW whose output is a graph
     * output that no node reads and whose channel count is a multiple of {@code block}: the graph output then names
     * the blocked tensor itself.
     *
     * @return the rewritten model and the blocked outputs, or empty when no reorder qualifies
     */
    static Optional<Rewrite> rewrite(byte[] optimized, int block) throws InvalidProtocolBufferException {
        if (block <= 0) {
            return Optional.empty();
        }
        ModelProto model = ModelProto.parseFrom(optimized);
        GraphProto graph = model.getGraph();
        if (hasSubgraph(graph)) {
            // a control-flow body may read an exposed output by its outer name: renaming would hand it the blocked
            // tensor, so such models keep every reorder
            return Optional.empty();
        }
        Set<String> graphOutputs = new HashSet<>();
        for (ValueInfoProto out : graph.getOutputList()) {
            graphOutputs.add(out.getName());
        }
        Set<String> read = new HashSet<>();
        for (NodeProto node : graph.getNodeList()) {
            read.addAll(node.getInputList());
        }
        Map<String, String> renamed = new LinkedHashMap<>(); // blocked tensor -> the output name it takes
        Map<String, Integer> blocks = new LinkedHashMap<>();
        Set<Integer> removed = new HashSet<>();
        for (int n = 0; n < graph.getNodeCount(); n++) {
            NodeProto node = graph.getNode(n);
            if (!NCHWC_DOMAIN.equals(node.getDomain())
                    || !REORDER_OUTPUT.equals(node.getOpType())
                    || node.getInputCount() != 1
                    || node.getOutputCount() != 1) {
                continue;
            }
            String out = node.getOutput(0);
            long channels = intAttribute(node, "channels", -1);
            if (!graphOutputs.contains(out)
                    || read.contains(out)
                    || intAttribute(node, "channels_last", 0) != 0
                    || channels <= 0
                    || channels % block != 0
                    || graphOutputs.contains(node.getInput(0))
                    || renamed.containsKey(node.getInput(0))) {
                continue;
            }
            renamed.put(node.getInput(0), out);
            blocks.put(out, block);
            removed.add(n);
        }
        if (blocks.isEmpty()) {
            return Optional.empty();
        }
        GraphProto.Builder rewritten = graph.toBuilder().clearNode();
        for (int n = 0; n < graph.getNodeCount(); n++) {
            if (removed.contains(n)) {
                continue;
            }
            NodeProto.Builder node = graph.getNode(n).toBuilder();
            for (int i = 0; i < node.getInputCount(); i++) {
                String to = renamed.get(node.getInput(i));
                if (to != null) {
                    node.setInput(i, to);
                }
            }
            for (int o = 0; o < node.getOutputCount(); o++) {
                String to = renamed.get(node.getOutput(o));
                if (to != null) {
                    node.setOutput(o, to);
                }
            }
            rewritten.addNode(node);
        }
        return Optional.of(
                new Rewrite(model.toBuilder().setGraph(rewritten).build().toByteArray(), Map.copyOf(blocks)));
    }

    /** Whether a node of the graph carries a subgraph (If, Loop, Scan bodies). */
    private static boolean hasSubgraph(GraphProto graph) {
        for (NodeProto node : graph.getNodeList()) {
            for (AttributeProto a : node.getAttributeList()) {
                if (a.hasG() || a.getGraphsCount() > 0) {
                    return true;
                }
            }
        }
        return false;
    }

    private static long intAttribute(NodeProto node, String name, long absent) {
        for (AttributeProto a : node.getAttributeList()) {
            if (a.getName().equals(name)) {
                return a.getI();
            }
        }
        return absent;
    }

    /**
     * Opens a session on the model as ONNX Runtime optimises it at level ALL, with the blocked outputs rewritten
     * ({@link #rewrite}); with no blocks when the model has none (the session is then the plain one); empty when the
     * optimised model cannot be written, read back or opened, and the caller then opens the model as usual.
     */
    static Optional<Blocked> open(OrtEnvironment env, SessionFactory.ModelSource model, SessionConfig config) {
        int block = blockSize();
        if (block == 0) {
            return Optional.empty();
        }
        try {
            return Optional.of(open(options -> model.create(env, options), env, config, block));
        } catch (OrtException | IOException | RuntimeException | OutOfMemoryError e) {
            // OutOfMemoryError: the heap copies of the rewrite are garbage once this returns
            LOG.info(
                    "{}: its outputs are reordered into NCHW inside the model run, because its blocked layout cannot"
                            + " be handed over ({})",
                    model.describe(),
                    e.getMessage());
            return Optional.empty();
        }
    }

    /**
     * The largest optimised model that is rewritten: the rewrite holds about three copies of it on the heap (the
     * file's bytes, the parsed model, the rewritten bytes), so at most a tenth of the heap, and never more than
     * 1 GiB; a larger model keeps its reorders.
     */
    static long maxRewriteBytes() {
        return Math.min(1L << 30, Runtime.getRuntime().maxMemory() / 10);
    }

    /** Creates a session with the options given. */
    private interface Creator {
        OrtSession create(OrtSession.SessionOptions options) throws OrtException;
    }

    /**
     * The session on the rewritten model, or (no blocks) the session ONNX Runtime made while writing its optimised
     * model, when no output qualifies or the optimised model is too large to rewrite: the plain session, not made
     * twice.
     */
    private static Blocked open(Creator model, OrtEnvironment env, SessionConfig config, int block)
            throws OrtException, IOException {
        Path optimizedFile = Files.createTempFile("onnx-inspect-optimized-", ".onnx");
        OrtSession optimised = null;
        try {
            try (OrtSession.SessionOptions options = options(config, OrtSession.SessionOptions.OptLevel.ALL_OPT)) {
                options.setOptimizedModelFilePath(optimizedFile.toString());
                optimised = model.create(options);
            }
            long size = Files.size(optimizedFile);
            if (size > maxRewriteBytes()) {
                LOG.info(
                        "its optimised form has {} bytes, more than the {} a rewrite may take on this heap: its outputs"
                                + " are reordered into NCHW inside the model run",
                        size,
                        maxRewriteBytes());
                return new Blocked(optimised, Map.of());
            }
            Optional<Rewrite> rewrite = rewrite(Files.readAllBytes(optimizedFile), block);
            if (rewrite.isEmpty()) {
                return new Blocked(optimised, Map.of());
            }
            OrtSession blocked;
            try (OrtSession.SessionOptions options = options(config, OrtSession.SessionOptions.OptLevel.NO_OPT)) {
                blocked = env.createSession(rewrite.get().model(), options);
            }
            optimised.close();
            return new Blocked(blocked, rewrite.get().blocks());
        } catch (OrtException | IOException | RuntimeException | OutOfMemoryError e) {
            if (optimised != null) {
                optimised.close();
            }
            throw e;
        } finally {
            try {
                Files.deleteIfExists(optimizedFile);
            } catch (IOException e) {
                LOG.debug("cannot delete {}: {}", optimizedFile, e.getMessage());
            }
        }
    }

    /** A session on a rewritten model and its blocked outputs with their block. */
    record Blocked(OrtSession session, Map<String, Integer> blocks) {}

    private static OrtSession.SessionOptions options(SessionConfig config, OrtSession.SessionOptions.OptLevel level)
            throws OrtException {
        OrtSession.SessionOptions options = new OrtSession.SessionOptions();
        try {
            options.setIntraOpNumThreads(config.intraOpThreads());
            options.setInterOpNumThreads(config.interOpThreads());
            options.setOptimizationLevel(level);
            // ONNX Runtime warns that an optimised model it writes is hardware-specific: it is used here only
            options.setSessionLogLevel(OrtLoggingLevel.ORT_LOGGING_LEVEL_ERROR);
            if (!config.spinning()) {
                options.addConfigEntry("session.intra_op.allow_spinning", "0");
                options.addConfigEntry("session.inter_op.allow_spinning", "0");
            }
            return options;
        } catch (OrtException | RuntimeException e) {
            options.close();
            throw e;
        }
    }

    /** Runs the calibration model through {@link #open} and reads the block off its output; 0 when none fits. */
    private static int calibrate() {
        GraphBuilder g = GraphBuilder.create("channel-block-calibration");
        String x = g.input("x", TensorShape.of(1, 1, CALIBRATION_SIDE, CALIBRATION_SIDE));
        float[] bias = new float[CALIBRATION_CHANNELS];
        for (int c = 0; c < bias.length; c++) {
            bias[c] = c + 1;
        }
        String w = g.addInitializer("w", new float[CALIBRATION_CHANNELS * 9], CALIBRATION_CHANNELS, 1, 3, 3);
        String b = g.addInitializer("b", bias, CALIBRATION_CHANNELS);
        String conv = g.conv(
                "conv", x, w, b, ConvOptions.builder(3, 3).pads(1, 1, 1, 1).build());
        g.output(g.relu("relu", conv));
        byte[] bytes = g.build().toBytes();
        OrtEnvironment env = OrtEnvironment.getEnvironment();
        SessionConfig config =
                SessionConfig.builder().intraOpThreads(1).spinning(false).build();
        int spatial = CALIBRATION_SIDE * CALIBRATION_SIDE;
        float[] stored = new float[CALIBRATION_CHANNELS * spatial];
        for (int candidate : List.of(16, 8)) {
            Blocked blocked;
            try {
                blocked = open(options -> env.createSession(bytes, options), env, config, candidate);
            } catch (OrtException | IOException | RuntimeException e) {
                LOG.debug("channel block calibration with block {} failed: {}", candidate, e.getMessage());
                continue;
            }
            if (blocked.blocks().isEmpty()) {
                try {
                    blocked.session().close();
                } catch (OrtException e) {
                    LOG.debug("closing a calibration session failed: {}", e.getMessage());
                }
                continue;
            }
            try (OrtSession session = blocked.session();
                    OnnxTensor input = OnnxTensor.createTensor(
                            env, FloatBuffer.allocate(spatial), new long[] {1, 1, CALIBRATION_SIDE, CALIBRATION_SIDE});
                    OrtSession.Result result = session.run(Map.of("x", input))) {
                ((OnnxTensor) result.get(0)).getFloatBuffer().get(stored);
            } catch (OrtException | RuntimeException e) {
                LOG.debug("channel block calibration with block {} failed: {}", candidate, e.getMessage());
                continue;
            }
            if (fits(stored, spatial, candidate)) {
                LOG.debug("ONNX Runtime's blocked channel layout on this CPU: blocks of {} channels", candidate);
                return candidate;
            }
        }
        LOG.debug("ONNX Runtime does not use a blocked channel layout on this CPU that outputs can be handed over in");
        return 0;
    }

    /** Whether a stored calibration output (channel c holds c + 1) is laid out in blocks of {@code block}. */
    static boolean fits(float[] stored, int spatial, int block) {
        for (int j = 0; j < stored.length; j++) {
            int c = j / spatial;
            if (stored[storedIndex(j, spatial, block)] != c + 1) {
                return false;
            }
        }
        return true;
    }
}
