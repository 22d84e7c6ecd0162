package dev.onnxinspect.arrow;

import org.apache.arrow.compression.CommonsCompressionFactory;
import org.apache.arrow.vector.compression.CompressionCodec;
import org.apache.arrow.vector.compression.CompressionUtil;
import org.apache.arrow.vector.compression.NoCompressionCodec;

/**
 * Body compression of the record batches of an Arrow IPC file (SPEC §12: uncompressed by default, LZ4 or ZSTD on
 * request). Compressed files are standard Arrow IPC; readers need the codec (pyarrow and polars have both; the
 * JavaScript {@code apache-arrow} reader needs a codec registered by the application).
 */
public enum Compression {
    /** No compression (the default). */
    NONE(CompressionUtil.CodecType.NO_COMPRESSION),
    /**
     * LZ4 frame format, written by this package's own compressor ({@code Lz4FrameEncoder}): arrow-compression's
     * (commons-compress) is quadratic on periodic data and took minutes per table in the write benchmark.
     */
    LZ4_FRAME(CompressionUtil.CodecType.LZ4_FRAME),
    /** Zstandard (arrow-compression's, native zstd-jni): the smallest files. */
    ZSTD(CompressionUtil.CodecType.ZSTD);

    private final CompressionUtil.CodecType codecType;

    Compression(CompressionUtil.CodecType codecType) {
        this.codecType = codecType;
    }

    CompressionUtil.CodecType codecType() {
        return codecType;
    }

    /** A factory that decompresses whatever codec a file's batches declare (uncompressed batches need none). */
    static CompressionCodec.Factory readerFactory() {
        return CommonsCompressionFactory.INSTANCE;
    }

    /** The codec factory for this compression (the commons-compress one does not serve NO_COMPRESSION). */
    CompressionCodec.Factory codecFactory() {
        return switch (this) {
            case NONE -> NoCompressionCodec.Factory.INSTANCE;
            case LZ4_FRAME -> Lz4FrameCodec.Factory.INSTANCE;
            case ZSTD -> CommonsCompressionFactory.INSTANCE;
        };
    }
}
