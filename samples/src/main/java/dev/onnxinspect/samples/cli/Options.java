package dev.onnxinspect.samples.cli;

import dev.onnxinspect.OnnxInspectException;
import dev.onnxinspect.arrow.Compression;
import dev.onnxinspect.runtime.Device;
import java.util.Locale;

/** Parses the option values shared by several commands, with messages that list what is accepted. */
final class Options {
    private Options() {}

    static Device device(String value) {
        try {
            return Device.valueOf(value.toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new OnnxInspectException("unknown device '" + value + "'; use auto, cuda or cpu");
        }
    }

    static Compression compression(String value) {
        return switch (value.toLowerCase(Locale.ROOT)) {
            case "none" -> Compression.NONE;
            case "lz4" -> Compression.LZ4_FRAME;
            case "zstd" -> Compression.ZSTD;
            default -> throw new OnnxInspectException("unknown compression '" + value + "'; use none, lz4 or zstd");
        };
    }
}
