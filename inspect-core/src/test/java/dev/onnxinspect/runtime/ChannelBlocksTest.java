package dev.onnxinspect.runtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import ai.onnx.proto.OnnxMl.AttributeProto;
import ai.onnx.proto.OnnxMl.GraphProto;
import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnx.proto.OnnxMl.NodeProto;
import ai.onnx.proto.OnnxMl.ValueInfoProto;
import dev.onnxinspect.data.Batch;
import dev.onnxinspect.inspect.Inspection;
import dev.onnxinspect.onnx.TensorShape;
import dev.onnxinspect.onnx.graph.ConvOptions;
import dev.onnxinspect.onnx.graph.GraphBuilder;
import dev.onnxinspect.onnx.graph.PoolOptions;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * ONNX Runtime's blocked channel layout handed over as is ({@link SessionConfig#blockedChannels()}): the index map
 * and the rewrite by hand, then a small CNN run with and without it, every read compared exactly.
 */
class ChannelBlocksTest {
    /**
     * C = 4 channels, H * W = 3 positions, blocks of 2: the stored row is [block 0: p0 (c0 c1), p1 (c0 c1), p2 (c0
     * c1)], [block 1: p0 (c2 c3), ...]. Neuron j = c * 3 + p, so c0 lies at 0, 2, 4; c1 at 1, 3, 5; c2 at 6, 8, 10;
     * c3 at 7, 9, 11.
     */
    @Test
    void storedOrderByHand() {
        assertThat(ChannelBlocks.storedOrder(12, 3, 2)).containsExactly(0, 2, 4, 1, 3, 5, 6, 8, 10, 7, 9, 11);
        assertThat(ChannelBlocks.storedOrder(12, 3, 0)).containsExactly(0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11);
        // one block of all 4 channels: position-major, channel-minor (NHWC within the block)
        assertThat(ChannelBlocks.storedOrder(12, 3, 4)).containsExactly(0, 4, 8, 1, 5, 9, 2, 6, 10, 3, 7, 11);
    }

    @Test
    void unblockByHand() {
        // stored as in storedOrderByHand: value 10 * c + p
        float[] stored = {0, 10, 1, 11, 2, 12, 20, 30, 21, 31, 22, 32};
        float[] ordered = new float[12];
        ChannelBlocks.unblock(stored, 0, ordered, 0, 4, 3, 2);
        assertThat(ordered).containsExactly(0, 1, 2, 10, 11, 12, 20, 21, 22, 30, 31, 32);
        int[] bits = new int[12];
        int[] storedBits = new int[12];
        for (int k = 0; k < 12; k++) {
            storedBits[k] = (int) stored[k];
        }
        ChannelBlocks.unblock(storedBits, bits, 4, 3, 2);
        assertThat(bits).containsExactly(0, 1, 2, 10, 11, 12, 20, 21, 22, 30, 31, 32);
    }

    @Test
    void calibrationFitsOnlyItsBlock() {
        // 4 channels of 2 positions stored in blocks of 2: channel c holds c + 1
        float[] stored = {1, 2, 1, 2, 3, 4, 3, 4};
        assertThat(ChannelBlocks.fits(stored, 2, 2)).isTrue();
        assertThat(ChannelBlocks.fits(stored, 2, 4)).isFalse();
        assertThat(ChannelBlocks.fits(new float[] {1, 1, 2, 2, 3, 3, 4, 4}, 2, 2))
                .isFalse();
    }

    /**
     * Only a reorder whose output is a graph output that nothing reads, to NCHW, of a whole number of blocks goes;
     * its input then carries the output's name everywhere.
     */
    @Test
    void rewriteRemovesOnlyTheReordersOfExposedBlockedOutputs() throws Exception {
        GraphProto graph = GraphProto.newBuilder()
                .addNode(node("Conv", ChannelBlocks.NCHWC_DOMAIN, List.of("x", "w"), "t0"))
                .addNode(reorder("t0", "a", 32, 0))
                .addNode(node("MaxPool", ChannelBlocks.NCHWC_DOMAIN, List.of("t0"), "t1"))
                .addNode(reorder("t1", "b", 32, 0))
                .addNode(node("Flatten", "", List.of("b"), "flat"))
                .addNode(reorder("t1", "c", 24, 0))
                .addNode(reorder("t1", "d", 32, 1))
                .addNode(node("Conv", ChannelBlocks.NCHWC_DOMAIN, List.of("t1", "w2"), "t2"))
                .addNode(reorder("t2", "e", 16, 0))
                .addOutput(output("a"))
                .addOutput(output("b"))
                .addOutput(output("c"))
                .addOutput(output("d"))
                .addOutput(output("e"))
                .addOutput(output("flat"))
                .build();
        byte[] model = ModelProto.newBuilder().setGraph(graph).build().toByteArray();

        ChannelBlocks.Rewrite rewrite = ChannelBlocks.rewrite(model, 16).orElseThrow();

        assertThat(rewrite.blocks()).isEqualTo(Map.of("a", 16, "e", 16));
        GraphProto out = ModelProto.parseFrom(rewrite.model()).getGraph();
        assertThat(out.getNodeList())
                .extracting(NodeProto::getOpType)
                .containsExactly(
                        "Conv", "MaxPool", "ReorderOutput", "Flatten", "ReorderOutput", "ReorderOutput", "Conv");
        assertThat(out.getNode(0).getOutputList()).containsExactly("a");
        assertThat(out.getNode(1).getInputList()).containsExactly("a");
        assertThat(out.getNode(2).getOutputList()).containsExactly("b"); // read by Flatten: kept
        assertThat(out.getNode(4).getOutputList()).containsExactly("c"); // 24 channels: not whole blocks of 16
        assertThat(out.getNode(5).getOutputList()).containsExactly("d"); // to NHWC: kept
        assertThat(out.getNode(6).getOutputList()).containsExactly("e");
        assertThat(out.getOutputList())
                .extracting(ValueInfoProto::getName)
                .containsExactly("a", "b", "c", "d", "e", "flat");

        assertThat(ChannelBlocks.rewrite(model, 0)).isEmpty();
        // with blocks of 8, the 24 channels of c qualify as well
        assertThat(ChannelBlocks.rewrite(model, 8).orElseThrow().blocks()).containsOnlyKeys("a", "c", "e");
    }

    /**
     * A control-flow body may read an exposed output by its outer name (found on real ONNX Runtime: an If whose
     * branch reads "c1" got the blocked tensor), so a model with any subgraph keeps every reorder.
     */
    @Test
    void aModelWithASubgraphIsNotRewritten() throws Exception {
        GraphProto branch = GraphProto.newBuilder()
                .addNode(node("Identity", "", List.of("a"), "y"))
                .addOutput(output("y"))
                .build();
        GraphProto graph = GraphProto.newBuilder()
                .addNode(node("Conv", ChannelBlocks.NCHWC_DOMAIN, List.of("x", "w"), "t0"))
                .addNode(reorder("t0", "a", 32, 0))
                .addNode(node("If", "", List.of("cond"), "z").toBuilder()
                        .addAttribute(AttributeProto.newBuilder()
                                .setName("then_branch")
                                .setType(AttributeProto.AttributeType.GRAPH)
                                .setG(branch))
                        .addAttribute(AttributeProto.newBuilder()
                                .setName("else_branch")
                                .setType(AttributeProto.AttributeType.GRAPH)
                                .setG(branch))
                        .build())
                .addOutput(output("a"))
                .addOutput(output("z"))
                .build();
        byte[] model = ModelProto.newBuilder().setGraph(graph).build().toByteArray();
        assertThat(ChannelBlocks.rewrite(model, 16)).isEmpty();
        // the same graph without the If is rewritten
        byte[] plain = ModelProto.newBuilder()
                .setGraph(graph.toBuilder().removeNode(2).removeOutput(1))
                .build()
                .toByteArray();
        assertThat(ChannelBlocks.rewrite(plain, 16).orElseThrow().blocks()).isEqualTo(Map.of("a", 16));
    }

    private static NodeProto node(String op, String domain, List<String> inputs, String output) {
        return NodeProto.newBuilder()
                .setOpType(op)
                .setDomain(domain)
                .addAllInput(inputs)
                .addOutput(output)
                .build();
    }

    private static NodeProto reorder(String input, String output, long channels, long channelsLast) {
        return node(ChannelBlocks.REORDER_OUTPUT, ChannelBlocks.NCHWC_DOMAIN, List.of(input), output).toBuilder()
                .addAttribute(AttributeProto.newBuilder()
                        .setName("channels")
                        .setType(AttributeProto.AttributeType.INT)
                        .setI(channels))
                .addAttribute(AttributeProto.newBuilder()
                        .setName("channels_last")
                        .setType(AttributeProto.AttributeType.INT)
                        .setI(channelsLast))
                .build();
    }

    private static ValueInfoProto output(String name) {
        return ValueInfoProto.newBuilder().setName(name).build();
    }

    /**
     * A LeNet-like CNN: conv 16 -> ReLU "c1" -> max pool -> conv 32 -> ReLU "c2" -> max pool -> flatten -> dense
     * "logits", with seeded random weights; c1 and c2 are graph outputs, as an inspection exposes them.
     */
    static byte[] cnn() {
        return cnn(8);
    }

    /** {@link #cnn()} on {@code side x side} images (side a multiple of 4). */
    static byte[] cnn(int side) {
        Random random = new Random(7);
        GraphBuilder g = GraphBuilder.create("blocked-cnn");
        String x = g.input("x", TensorShape.batched("N", 1, side, side));
        String c1 = g.relu(
                "c1",
                g.conv(
                        "conv1",
                        x,
                        g.addInitializer("w1", gaussian(random, 16 * 9), 16, 1, 3, 3),
                        g.addInitializer("b1", gaussian(random, 16), 16),
                        ConvOptions.builder(3, 3).padding(1).build()));
        String p1 = g.maxPool("p1", c1, PoolOptions.builder(2, 2).strides(2, 2).build());
        String c2 = g.relu(
                "c2",
                g.conv(
                        "conv2",
                        p1,
                        g.addInitializer("w2", gaussian(random, 32 * 16 * 9), 32, 16, 3, 3),
                        g.addInitializer("b2", gaussian(random, 32), 32),
                        ConvOptions.builder(3, 3).padding(1).build()));
        String p2 = g.maxPool("p2", c2, PoolOptions.builder(2, 2).strides(2, 2).build());
        String flat = g.flatten("flat", p2, 1);
        int features = 32 * (side / 4) * (side / 4);
        String logits = g.gemm(
                "logits",
                flat,
                g.addInitializer("wd", gaussian(random, 10 * features), 10, features),
                g.addInitializer("bd", gaussian(random, 10), 10),
                true);
        g.output(logits, TensorShape.batched("N", 10));
        g.output(c1, TensorShape.batched("N", 16, side, side));
        g.output(c2, TensorShape.batched("N", 32, side / 2, side / 2));
        return g.build().toBytes();
    }

    private static float[] gaussian(Random random, int n) {
        float[] v = new float[n];
        for (int k = 0; k < n; k++) {
            v[k] = (float) (random.nextGaussian() * 0.5);
        }
        return v;
    }

    private static Batch batch(int samples) {
        Random random = new Random(11);
        float[] x = new float[samples * 64];
        for (int k = 0; k < x.length; k++) {
            x[k] = random.nextFloat();
        }
        return new Batch(x, samples, new int[] {1, 8, 8}, null);
    }

    private static SessionConfig config(boolean blocked) {
        return SessionConfig.builder()
                .intraOpThreads(1)
                .blockedChannels(blocked)
                .build();
    }

    @Test
    void blockedOutputsReadExactlyAsThePlainOnes() {
        int block = ChannelBlocks.blockSize();
        assumeTrue(block > 0, "ONNX Runtime uses no blocked channel layout on this CPU");
        assertThat(block).isIn(8, 16);
        List<String> names = List.of("logits", "c1", "c2");
        Batch batch = batch(5);
        try (InferenceSession plain = InferenceSession.open(cnn(), config(false));
                InferenceSession blocked = InferenceSession.open(cnn(), config(true))) {
            assertThat(plain.channelBlocks()).isEmpty();
            assertThat(blocked.channelBlocks()).isEqualTo(Map.of("c1", block, "c2", block));
            Map<String, LayerActivations> expected = plain.run(batch, names);

            // copied outputs: reordered into NCHW arrays
            Map<String, LayerActivations> copied = blocked.run(batch, names);
            for (String name : names) {
                assertThat(copied.get(name).channelBlock()).isZero();
                assertThat(copied.get(name).values())
                        .containsExactly(expected.get(name).values());
            }
            // typed tensors too
            assertThat(blocked.runTensors(batch, names).get("c1").data())
                    .isEqualTo(plain.runTensors(batch, names).get("c1").data());

            // outputs in reused buffers: stored blocked, read in NCHW order by every reader but readStoredRowBits
            OutputBuffers buffers = blocked.outputBuffers(names, 8).orElseThrow();
            Map<String, LayerActivations> pinned = blocked.run(batch, buffers);
            for (String name : List.of("c1", "c2")) {
                LayerActivations acts = pinned.get(name);
                LayerActivations want = expected.get(name);
                int units = want.units();
                int plane = want.unitShape()[1] * want.unitShape()[2];
                assertThat(acts.channelBlock()).isEqualTo(block);
                assertThat(acts.unitShape()).isEqualTo(want.unitShape());
                float[] row = new float[units];
                int[] bits = new int[units];
                int[] stored = new int[units];
                for (int i = 0; i < 5; i++) {
                    acts.readRow(i, row);
                    assertThat(row)
                            .containsExactly(java.util.Arrays.copyOfRange(want.values(), i * units, (i + 1) * units));
                    acts.readRowBits(i, bits);
                    acts.readStoredRowBits(i, stored);
                    for (int j = 0; j < units; j++) {
                        int expectedBits = Float.floatToRawIntBits(want.value(i, j));
                        assertThat(bits[j]).isEqualTo(expectedBits);
                        assertThat(stored[ChannelBlocks.storedIndex(j, plane, block)])
                                .isEqualTo(expectedBits);
                        assertThat(acts.value(i, j)).isEqualTo(want.value(i, j));
                    }
                }
                assertThat(acts.select(new boolean[] {false, true, false, true, true})
                                .values())
                        .containsExactly(want.select(new boolean[] {false, true, false, true, true})
                                .values());
                assertThat(acts.copy().values()).containsExactly(want.values());
                assertThat(acts.values()).containsExactly(want.values());
                // once copied into an array, the stored order is still read as stored
                acts.readStoredRowBits(2, stored);
                for (int j = 0; j < units; j++) {
                    assertThat(stored[ChannelBlocks.storedIndex(j, plane, block)])
                            .isEqualTo(Float.floatToRawIntBits(want.value(2, j)));
                }
            }
            assertThat(pinned.get("logits").values())
                    .containsExactly(expected.get("logits").values());
            buffers.release();
        }
    }

    /** A model without blocked outputs runs as the plain one (TestModels.dense: x = [1, 2] gives y = [7.5, 5]). */
    @Test
    void aModelWithoutBlockedOutputsRunsAsThePlainOne() {
        assumeTrue(ChannelBlocks.blockSize() > 0, "ONNX Runtime uses no blocked channel layout on this CPU");
        try (InferenceSession session = InferenceSession.open(TestModels.dense(), config(true))) {
            assertThat(session.channelBlocks()).isEmpty();
            assertThat(session.run(new Batch(new float[] {1, 2}, 1, new int[] {2}, null), List.of("y"))
                            .get("y")
                            .values())
                    .containsExactly(7.5f, 5f);
        }
    }

    /**
     * The automatic batch size aims at 8 MiB of outputs per batch with blocked channel outputs, 2 MiB without: on
     * 32 x 32 images a sample has 10 + 16 * 32 * 32 + 32 * 16 * 16 = 24,586 output values (98,344 bytes), so 2 MiB
     * hold 21 samples (batch 16) and 8 MiB 85 (batch 64).
     */
    @Test
    void blockedSessionsGetLargerAutomaticBatches() {
        assumeTrue(ChannelBlocks.blockSize() > 0, "ONNX Runtime uses no blocked channel layout on this CPU");
        List<String> names = List.of("logits", "c1", "c2");
        try (InferenceSession plain = InferenceSession.open(cnn(32), config(false));
                InferenceSession blocked = InferenceSession.open(cnn(32), config(true))) {
            assertThat(blocked.channelBlocks()).isNotEmpty();
            assertThat(Inspection.autoBatchSize(plain, names)).isEqualTo(16);
            assertThat(Inspection.autoBatchSize(blocked, names)).isEqualTo(64);
        }
    }

    @Test
    void blockedChannelsNeedOptimisationAll() {
        assumeTrue(ChannelBlocks.blockSize() > 0, "ONNX Runtime uses no blocked channel layout on this CPU");
        try (InferenceSession session = InferenceSession.open(
                cnn(),
                SessionConfig.builder()
                        .intraOpThreads(1)
                        .optimization(SessionConfig.Optimization.EXTENDED)
                        .blockedChannels(true)
                        .build())) {
            assertThat(session.channelBlocks()).isEmpty();
        }
    }

    @Test
    void aBlockedLayoutNeedsWholeBlocksOfAChannelShape() {
        java.nio.ByteBuffer bytes = java.nio.ByteBuffer.allocate(12 * Float.BYTES);
        assertThatThrownBy(() -> LayerActivations.ofBuffer("l", bytes, 1, new int[] {3, 2, 2}, 2))
                .isInstanceOf(InferenceException.class)
                .hasMessageContaining("C a multiple of the block");
        assertThatThrownBy(() -> LayerActivations.ofBuffer("l", bytes, 1, new int[] {12}, 4))
                .isInstanceOf(InferenceException.class)
                .hasMessageContaining("C a multiple of the block");
    }
}
