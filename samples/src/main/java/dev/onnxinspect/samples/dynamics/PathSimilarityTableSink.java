package dev.onnxinspect.samples.dynamics;

import dev.onnxinspect.arrow.PathSimilarityWriter;
import dev.onnxinspect.dynamics.PathKind;
import dev.onnxinspect.dynamics.PathSimilaritySink;

/**
 * Streams the rows of a {@link dev.onnxinspect.dynamics.PathSimilarityAccumulator} into the {@code path_similarity}
 * Arrow table (SPEC §12) as they are computed, so no row is held in memory beyond the writer's record batch. Does not
 * own the writer: the caller commits and closes it.
 */
public final class PathSimilarityTableSink implements PathSimilaritySink {
    private final PathSimilarityWriter writer;

    public PathSimilarityTableSink(PathSimilarityWriter writer) {
        this.writer = writer;
    }

    @Override
    public void accept(String layer, int step, PathKind kind, int sampleI, int sampleJ, double similarity) {
        if (kind == PathKind.SELF) {
            writer.writeSelf(layer, step, sampleI, similarity);
        } else {
            writer.writeCross(layer, step, kind.tableName(), sampleI, sampleJ, similarity);
        }
    }
}
