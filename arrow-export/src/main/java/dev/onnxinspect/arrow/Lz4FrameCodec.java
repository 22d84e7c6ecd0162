package dev.onnxinspect.arrow;

import org.apache.arrow.compression.CommonsCompressionFactory;
import org.apache.arrow.memory.ArrowBuf;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.vector.compression.AbstractCompressionCodec;
import org.apache.arrow.vector.compression.CompressionCodec;
import org.apache.arrow.vector.compression.CompressionUtil;

/**
 * Arrow's LZ4_FRAME codec with {@link Lz4FrameEncoder} for compression and arrow-compression's decoder for
 * decompression. Arrow's buffer layout: an 8-byte little-endian uncompressed length, then the frame; the base class
 * writes the length, and stores a buffer raw when compressing does not make it smaller.
 */
final class Lz4FrameCodec extends AbstractCompressionCodec {
    private final CompressionCodec decoder =
            CommonsCompressionFactory.INSTANCE.createCodec(CompressionUtil.CodecType.LZ4_FRAME);
    private final Lz4FrameEncoder encoder = new Lz4FrameEncoder();
    /** Scratch arrays reused across buffers (a codec serves one writer, one buffer at a time). */
    private byte[] src = new byte[0];

    private byte[] frame = new byte[Lz4FrameEncoder.maxFrameLength(0)];

    @Override
    protected ArrowBuf doCompress(BufferAllocator allocator, ArrowBuf uncompressed) {
        long length = uncompressed.writerIndex();
        if (length > Integer.MAX_VALUE - 1024) {
            throw new ArrowExportException("a buffer of " + length + " bytes is too large for LZ4 compression; use"
                    + " smaller record batches (ArrowWriteOptions.batchRows)");
        }
        int n = (int) length;
        if (src.length < n) {
            src = new byte[n];
            frame = new byte[Lz4FrameEncoder.maxFrameLength(n)];
        }
        uncompressed.getBytes(0, src, 0, n);
        int size = encoder.encode(src, n, frame);
        ArrowBuf compressed = allocator.buffer(CompressionUtil.SIZE_OF_UNCOMPRESSED_LENGTH + size);
        compressed.setBytes(CompressionUtil.SIZE_OF_UNCOMPRESSED_LENGTH, frame, 0, size);
        compressed.writerIndex(CompressionUtil.SIZE_OF_UNCOMPRESSED_LENGTH + size);
        return compressed;
    }

    @Override
    public ArrowBuf decompress(BufferAllocator allocator, ArrowBuf compressed) {
        return decoder.decompress(allocator, compressed);
    }

    @Override
    protected ArrowBuf doDecompress(BufferAllocator allocator, ArrowBuf compressed) {
        throw new UnsupportedOperationException("decompress() delegates to arrow-compression");
    }

    @Override
    public CompressionUtil.CodecType getCodecType() {
        return CompressionUtil.CodecType.LZ4_FRAME;
    }

    /** Codecs for writing: this one for LZ4_FRAME, arrow-compression's for the others. */
    static final class Factory implements CompressionCodec.Factory {
        static final Factory INSTANCE = new Factory();

        @Override
        public CompressionCodec createCodec(CompressionUtil.CodecType codecType) {
            return codecType == CompressionUtil.CodecType.LZ4_FRAME
                    ? new Lz4FrameCodec()
                    : CommonsCompressionFactory.INSTANCE.createCodec(codecType);
        }

        @Override
        public CompressionCodec createCodec(CompressionUtil.CodecType codecType, int compressionLevel) {
            return codecType == CompressionUtil.CodecType.LZ4_FRAME
                    ? new Lz4FrameCodec()
                    : CommonsCompressionFactory.INSTANCE.createCodec(codecType, compressionLevel);
        }
    }
}
