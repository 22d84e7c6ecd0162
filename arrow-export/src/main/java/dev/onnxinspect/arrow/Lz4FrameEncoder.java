package dev.onnxinspect.arrow;

import java.util.Arrays;

/**
 * A greedy LZ4 compressor writing the LZ4 frame format (lz4 frame format 1.6.x): independent blocks of at most
 * 4 MiB, no checksums but the mandatory header checksum, no content size. It exists because the LZ4 compressor of
 * arrow-compression (commons-compress) is quadratic on periodic data: it took 165 s for two 64k-row batches of an
 * activation_frequency table in {@code ArrowWriteBenchmark}. Decompression stays with arrow-compression, whose
 * decoder reads any frame, including these.
 *
 * <p>Block format: sequences of (token, literal length, literals, 2-byte offset, match length); the last 5 bytes of
 * a block are literals and the last match starts at least 12 bytes before its end, as the format requires.
 */
final class Lz4FrameEncoder {
    static final int MAGIC = 0x184D2204;
    private static final int MAX_BLOCK = 4 << 20;
    private static final int MIN_MATCH = 4;
    private static final int LAST_LITERALS = 5;
    private static final int MATCH_FIND_LIMIT = 12;
    private static final int MAX_OFFSET = 65_535;
    private static final int HASH_BITS = 16;
    /** FLG: version 01, independent blocks, no block checksum, no content size, no content checksum. */
    private static final int FLG = 0b0110_0000;
    /** BD: block maximum size 4 MiB (code 7). */
    private static final int BD = 7 << 4;

    private final int[] table = new int[1 << HASH_BITS];

    /** The largest frame {@link #encode} can produce for {@code length} input bytes. */
    static int maxFrameLength(int length) {
        int blocks = Math.max(1, (length + MAX_BLOCK - 1) / MAX_BLOCK);
        return 7 + blocks * 4 + length + length / 255 + 16 * blocks + 4;
    }

    /** Compresses {@code src[0, length)} into {@code dst} (at least {@link #maxFrameLength} long); returns the size. */
    int encode(byte[] src, int length, byte[] dst) {
        int out = 0;
        writeIntLE(dst, out, MAGIC);
        out += 4;
        dst[out++] = (byte) FLG;
        dst[out++] = (byte) BD;
        dst[out++] = (byte) ((xxHash32Short(new byte[] {(byte) FLG, (byte) BD}) >>> 8) & 0xFF);
        for (int start = 0; start < length; start += MAX_BLOCK) {
            int blockLength = Math.min(MAX_BLOCK, length - start);
            int sizeAt = out;
            out += 4;
            int compressed = compressBlock(src, start, blockLength, dst, out);
            if (compressed >= blockLength) {
                // incompressible: store it raw, flagged by the size's high bit.
                System.arraycopy(src, start, dst, out, blockLength);
                writeIntLE(dst, sizeAt, blockLength | 0x8000_0000);
                out += blockLength;
            } else {
                writeIntLE(dst, sizeAt, compressed);
                out += compressed;
            }
        }
        writeIntLE(dst, out, 0);
        return out + 4;
    }

    /** One LZ4 block of {@code src[start, start + length)} at {@code dst[at]}; returns its size. */
    private int compressBlock(byte[] src, int start, int length, byte[] dst, int at) {
        Arrays.fill(table, -1);
        int end = start + length;
        int matchLimit = end - LAST_LITERALS;
        int searchEnd = end - MATCH_FIND_LIMIT;
        int anchor = start;
        int ip = start;
        int out = at;
        int misses = 0;
        while (ip < searchEnd) {
            int sequence = readIntLE(src, ip);
            int hash = (sequence * -1640531535) >>> (32 - HASH_BITS);
            int ref = table[hash];
            table[hash] = ip;
            if (ref < 0 || ip - ref > MAX_OFFSET || readIntLE(src, ref) != sequence) {
                // skip faster through data that does not compress (as lz4's acceleration does).
                ip += 1 + (misses++ >>> 6);
                continue;
            }
            misses = 0;
            int matchLength = MIN_MATCH;
            while (ip + matchLength < matchLimit && src[ref + matchLength] == src[ip + matchLength]) {
                matchLength++;
            }
            out = writeSequence(src, anchor, ip - anchor, ip - ref, matchLength, dst, out);
            ip += matchLength;
            anchor = ip;
        }
        return writeLastLiterals(src, anchor, end - anchor, dst, out) - at;
    }

    private static int writeSequence(
            byte[] src, int literalsAt, int literals, int offset, int matchLength, byte[] dst, int out) {
        int matchCode = matchLength - MIN_MATCH;
        int token = out++;
        dst[token] = (byte) ((Math.min(literals, 15) << 4) | Math.min(matchCode, 15));
        out = writeLength(literals, dst, out);
        System.arraycopy(src, literalsAt, dst, out, literals);
        out += literals;
        dst[out++] = (byte) offset;
        dst[out++] = (byte) (offset >>> 8);
        return writeLength(matchCode, dst, out);
    }

    private static int writeLastLiterals(byte[] src, int literalsAt, int literals, byte[] dst, int out) {
        dst[out++] = (byte) (Math.min(literals, 15) << 4);
        out = writeLength(literals, dst, out);
        System.arraycopy(src, literalsAt, dst, out, literals);
        return out + literals;
    }

    /** The bytes after a token nibble of 15: runs of 255 and a last byte below 255. */
    private static int writeLength(int length, byte[] dst, int out) {
        if (length >= 15) {
            int rest = length - 15;
            while (rest >= 255) {
                dst[out++] = (byte) 255;
                rest -= 255;
            }
            dst[out++] = (byte) rest;
        }
        return out;
    }

    private static int readIntLE(byte[] b, int i) {
        return (b[i] & 0xFF) | (b[i + 1] & 0xFF) << 8 | (b[i + 2] & 0xFF) << 16 | (b[i + 3] & 0xFF) << 24;
    }

    private static void writeIntLE(byte[] b, int i, int value) {
        b[i] = (byte) value;
        b[i + 1] = (byte) (value >>> 8);
        b[i + 2] = (byte) (value >>> 16);
        b[i + 3] = (byte) (value >>> 24);
    }

    /** XXH32 with seed 0 of fewer than 16 bytes (the frame header checksum). */
    static int xxHash32Short(byte[] input) {
        final int prime1 = 0x9E3779B1;
        final int prime2 = 0x85EBCA77;
        final int prime3 = 0xC2B2AE3D;
        final int prime4 = 0x27D4EB2F;
        final int prime5 = 0x165667B1;
        if (input.length >= 16) {
            throw new IllegalArgumentException("only inputs shorter than 16 bytes");
        }
        int h = prime5 + input.length;
        int i = 0;
        for (; i + 4 <= input.length; i += 4) {
            h += readIntLE(input, i) * prime3;
            h = Integer.rotateLeft(h, 17) * prime4;
        }
        for (; i < input.length; i++) {
            h += (input[i] & 0xFF) * prime5;
            h = Integer.rotateLeft(h, 11) * prime1;
        }
        h ^= h >>> 15;
        h *= prime2;
        h ^= h >>> 13;
        h *= prime3;
        h ^= h >>> 16;
        return h;
    }
}
