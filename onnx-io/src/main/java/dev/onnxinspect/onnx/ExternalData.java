package dev.onnxinspect.onnx;

import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnx.proto.OnnxMl.StringStringEntryProto;
import ai.onnx.proto.OnnxMl.TensorProto;
import com.google.protobuf.ByteString;
import dev.onnxinspect.OnnxInspectException.Kind;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * Reads tensors stored as ONNX external data ({@code data_location = EXTERNAL}) into their {@code raw_data}, so a
 * loaded model is self-contained.
 *
 * <p>Choice: external data is inlined at load time, for every tensor of the model wherever it is
 * ({@link ModelTensors}: initializers, sparse initializers, {@code Constant} values and any other tensor attribute,
 * in subgraphs and model-local functions too), so that no location reaches a runtime, which would resolve it
 * against its working directory when handed the bytes. The whole model must then fit within protobuf's 2 GiB message
 * limit; a larger one is rejected with a message. A {@code location} must be a relative path that stays inside the
 * model's directory after resolving {@code ..} and symbolic links; anything else (absolute paths, {@code ../}
 * escapes, links pointing out) is rejected, so a model file cannot make the library read arbitrary files.
 */
final class ExternalData {
    /** The largest protobuf message Java can serialize (a little under 2 GiB). */
    static final long PROTOBUF_LIMIT = Integer.MAX_VALUE - 64L;

    private final Path baseDir;
    private final Path realBaseDir;
    private final String source;
    private long inlinedBytes;

    private ExternalData(Path baseDir, String source) throws IOException {
        this.baseDir = baseDir.toAbsolutePath().normalize();
        this.realBaseDir = this.baseDir.toRealPath();
        this.source = source;
    }

    /** True when any tensor of the model, wherever it is ({@link ModelTensors}), stores its data externally. */
    static boolean usesExternalData(ModelProto model) {
        return ModelTensors.anyMatch(model, ExternalData::isExternal);
    }

    static boolean isExternal(TensorProto t) {
        return t.getDataLocation() == TensorProto.DataLocation.EXTERNAL;
    }

    private static String location(TensorProto t) {
        for (StringStringEntryProto e : t.getExternalDataList()) {
            if (e.getKey().equals("location")) {
                return e.getValue();
            }
        }
        return "";
    }

    /**
     * Refuses a model with external data where there is no directory to read it from (bytes, a stream, a proto):
     * names the first such tensor.
     */
    static void refuseWithoutDirectory(ModelProto model, String source) {
        try {
            ModelTensors.rewrite(model, (t, where) -> {
                if (isExternal(t)) {
                    throw new ModelFormatException(
                            source,
                            where + " keeps its data in external data (file '" + location(t) + "'), which cannot be"
                                    + " found without the model's directory; load the model with OnnxModel.load(Path)"
                                    + " instead");
                }
                return t;
            });
        } catch (IOException e) {
            throw new IllegalStateException("a check that does no I/O threw an IOException", e);
        }
    }

    /** Returns {@code model} with every external tensor's bytes read from files under {@code baseDir}. */
    static ModelProto inline(ModelProto model, Path baseDir, String source) {
        try {
            ExternalData reader = new ExternalData(baseDir, source);
            ModelProto inlined =
                    ModelTensors.rewrite(model, (t, where) -> isExternal(t) ? reader.inlineTensor(t, where) : t);
            if (reader.inlinedBytes + model.getSerializedSize() > PROTOBUF_LIMIT) {
                throw new ModelFormatException(
                        Kind.UNSUPPORTED,
                        source,
                        "the weights in external data add up to "
                                + reader.inlinedBytes + " bytes; with them the model exceeds protobuf's 2 GiB limit, "
                                + "which this library does not support");
            }
            return inlined;
        } catch (IOException e) {
            throw new ModelFormatException(Kind.IO, source, "cannot read external data under " + baseDir + ": " + e, e);
        }
    }

    private TensorProto inlineTensor(TensorProto t, String where) throws IOException {
        String location = null;
        long offset = 0;
        Long declaredLength = null;
        for (StringStringEntryProto e : t.getExternalDataList()) {
            switch (e.getKey()) {
                case "location" -> location = e.getValue();
                case "offset" -> offset = parseLong(where, "offset", e.getValue());
                case "length" -> declaredLength = parseLong(where, "length", e.getValue());
                default -> {
                    // "checksum" and unknown keys are informational
                }
            }
        }
        if (location == null || location.isEmpty()) {
            throw new ModelFormatException(source, where + " is marked as external data but has no 'location' entry");
        }
        Path file = resolveInside(where, location);
        long fileSize = Files.size(file);
        long length = declaredLength == null ? fileSize - offset : declaredLength;
        if (offset < 0 || length < 0 || offset > fileSize - length) {
            throw new ModelFormatException(
                    source,
                    where + ": external data range [offset "
                            + offset + ", length " + length + "] lies outside '" + location + "' (" + fileSize
                            + " bytes); the data file is truncated or does not belong to this model");
        }
        long expected = expectedByteLength(t);
        if (expected >= 0 && expected != length) {
            throw new ModelFormatException(
                    source, where + ": external data has " + length + " bytes but its type and shape need " + expected);
        }
        inlinedBytes += length;
        if (length > PROTOBUF_LIMIT || inlinedBytes > PROTOBUF_LIMIT) {
            throw new ModelFormatException(
                    Kind.UNSUPPORTED,
                    source,
                    "the external data adds up to more than "
                            + "protobuf's 2 GiB limit "
                            + "(at " + where + "); models this large are not supported");
        }
        ByteBuffer buffer = ByteBuffer.allocate((int) length);
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
            channel.position(offset);
            while (buffer.hasRemaining()) {
                if (channel.read(buffer) < 0) {
                    throw new ModelFormatException(
                            source, where + ": '" + location + "' ended before the expected " + length + " bytes");
                }
            }
        }
        buffer.flip();
        return t.toBuilder()
                .clearExternalData()
                .setDataLocation(TensorProto.DataLocation.DEFAULT)
                .setRawData(ByteString.copyFrom(buffer))
                .build();
    }

    private Path resolveInside(String where, String location) throws IOException {
        Path relative;
        try {
            relative = Path.of(location);
        } catch (InvalidPathException e) {
            throw new ModelFormatException(
                    source, where + ": external data location '" + location + "' is not a valid path");
        }
        if (relative.isAbsolute() || relative.getRoot() != null) {
            throw new ModelFormatException(
                    source,
                    where + ": external data location '" + location
                            + "' is absolute; it must be a path relative to the model's directory " + baseDir);
        }
        Path file = baseDir.resolve(relative).normalize();
        if (!file.startsWith(baseDir)) {
            throw new ModelFormatException(
                    source,
                    where + ": external data location '" + location + "' points outside the model's directory "
                            + baseDir + "; it must stay inside it");
        }
        if (!Files.isRegularFile(file)) {
            throw new ModelFormatException(
                    Kind.IO,
                    source,
                    where + ": external data file '"
                            + location
                            + "' not found in " + baseDir + "; copy the data file next to the model");
        }
        Path real = file.toRealPath();
        if (!real.startsWith(realBaseDir)) {
            throw new ModelFormatException(
                    source,
                    where + ": external data location '" + location + "' is a symbolic link to " + real
                            + ", outside the model's directory " + realBaseDir);
        }
        if (!Files.isRegularFile(real, LinkOption.NOFOLLOW_LINKS)) {
            throw new ModelFormatException(source, where + ": external data '" + location + "' is not a regular file");
        }
        return real;
    }

    private long parseLong(String where, String key, String value) {
        try {
            return Long.parseLong(value);
        } catch (NumberFormatException e) {
            throw new ModelFormatException(
                    source, where + ": external data " + key + " '" + value + "' is not an integer");
        }
    }

    /** The byte length a tensor's raw data must have, or -1 when its type has no fixed element size. */
    static long expectedByteLength(TensorProto t) {
        int size =
                ElementType.forCode(t.getDataType()).map(ElementType::byteSize).orElse(0);
        if (size == 0) {
            return -1;
        }
        try {
            long count = 1;
            for (long d : t.getDimsList()) {
                if (d < 0) {
                    return -1;
                }
                count = Math.multiplyExact(count, d);
            }
            return Math.multiplyExact(count, size);
        } catch (ArithmeticException overflow) {
            return Long.MAX_VALUE;
        }
    }
}
