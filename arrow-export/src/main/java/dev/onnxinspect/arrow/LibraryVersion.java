package dev.onnxinspect.arrow;

import java.io.IOException;
import java.io.InputStream;
import java.util.Properties;

/** The onnx-inspect version, read from a resource that Maven fills in at build time. */
final class LibraryVersion {
    private static final String VERSION = load();

    private LibraryVersion() {}

    static String get() {
        return VERSION;
    }

    private static String load() {
        try (InputStream in = LibraryVersion.class.getResourceAsStream("library.properties")) {
            if (in == null) {
                throw new IllegalStateException("library.properties is missing from the arrow-export jar");
            }
            Properties properties = new Properties();
            properties.load(in);
            String version = properties.getProperty("version", "");
            if (version.isEmpty() || version.contains("${")) {
                throw new IllegalStateException("library.properties was not filtered by the build: '" + version + "'");
            }
            return version;
        } catch (IOException e) {
            throw new IllegalStateException("cannot read library.properties", e);
        }
    }
}
