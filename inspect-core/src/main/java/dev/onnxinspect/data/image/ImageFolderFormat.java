package dev.onnxinspect.data.image;

import dev.onnxinspect.data.DataFormat;
import dev.onnxinspect.data.DatasetException;
import dev.onnxinspect.data.ElementWriter;
import dev.onnxinspect.data.ImagePreprocessing;
import dev.onnxinspect.data.InputMapping;
import dev.onnxinspect.data.LabelMapping;
import dev.onnxinspect.data.TableReader;
import dev.onnxinspect.onnx.ElementType;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.stream.Stream;

/**
 * A folder of images in the class-per-subfolder convention (torchvision's {@code ImageFolder}):
 * {@code root/cat/1.png, root/dog/x.jpg, ...}. The class ids are the subfolder names in sorted order (by
 * {@link String#compareTo}: code units, as Python's {@code sorted} for names in the Basic Multilingual Plane), the
 * images of each class are its PNG and JPEG files ({@code .png}, {@code .jpg}, {@code .jpeg}, any case) found
 * recursively, sorted by their path relative to the class folder; samples come class by class. Other files and
 * hidden entries (names starting with {@code .}) are skipped. A folder with images and no subfolders is unlabelled.
 *
 * <p>Each image is decoded ({@link ImageDecoder}) and preprocessed as its {@link ImagePreprocessing} says, to
 * float32 (or another float type declared for the input). An image that cannot be decoded fails the pass with a
 * one-line error naming the file.
 */
public final class ImageFolderFormat implements DataFormat {
    @Override
    public String name() {
        return "image folder";
    }

    @Override
    public boolean reads(Path file) {
        return Files.isDirectory(file);
    }

    @Override
    public TableReader open(Path folder, List<InputMapping> inputs, LabelMapping labels) throws IOException {
        if (labels != null) {
            throw new DatasetException("the labels read " + labels.describe() + ", an image folder: its labels are its"
                    + " class subfolders; drop the label mapping");
        }
        if (inputs.size() != 1) {
            throw new DatasetException("image folder " + folder + " feeds " + inputs.size() + " inputs; it feeds"
                    + " exactly one (map other inputs to other files)");
        }
        InputMapping m = inputs.get(0);
        if (m.maskOf() != null || !m.columns().isEmpty()) {
            throw new DatasetException("input " + InputMapping.label(m.input()) + " reads "
                    + (m.maskOf() != null ? "a padding mask" : "columns " + m.columns()) + " of image folder "
                    + folder + ", which has neither; map the folder itself");
        }
        if (m.sampleShape() != null) {
            throw new DatasetException("input " + InputMapping.label(m.input()) + " declares a sample shape for image"
                    + " folder " + folder + "; the image preprocessing gives the shape: declare a resize and crop"
                    + " instead");
        }
        ElementType type = m.type() == null ? ElementType.FLOAT : m.type();
        if (!ElementWriter.isFloating(type)) {
            throw new DatasetException("input " + InputMapping.label(m.input()) + " is declared " + type + " but image"
                    + " folder " + folder + " gives preprocessed floats; feed images to a float input");
        }
        ImagePreprocessing p =
                m.preprocessing() == null ? ImagePreprocessing.builder().build() : m.preprocessing();
        List<String> classes = new ArrayList<>();
        List<Path> files = new ArrayList<>();
        List<Integer> labelOf = new ArrayList<>();
        List<Path> loose;
        List<Path> subfolders;
        try (Stream<Path> entries = Files.list(folder)) {
            List<Path> visible = entries.filter(e -> !e.getFileName().toString().startsWith("."))
                    .sorted(Comparator.comparing(e -> e.getFileName().toString()))
                    .toList();
            subfolders = visible.stream().filter(Files::isDirectory).toList();
            loose = visible.stream().filter(ImageFolderFormat::isImage).toList();
        }
        if (!subfolders.isEmpty() && !loose.isEmpty()) {
            throw new DatasetException("image folder " + folder + " has both class subfolders " + names(subfolders)
                    + " and images outside them (e.g. " + loose.get(0).getFileName() + "); move every image into its"
                    + " class folder (or the folders out, for unlabelled images)");
        }
        if (subfolders.isEmpty()) {
            files.addAll(loose);
        } else {
            for (Path sub : subfolders) {
                List<Path> images = images(sub);
                if (images.isEmpty()) {
                    throw new DatasetException("class folder " + sub + " has no PNG or JPEG image; add images or"
                            + " remove the folder (class ids are the sorted folder names)");
                }
                for (Path image : images) {
                    files.add(image);
                    labelOf.add(classes.size());
                }
                classes.add(sub.getFileName().toString());
            }
        }
        if (files.isEmpty()) {
            throw new DatasetException("image folder " + folder + " has no PNG or JPEG image; put the images in one"
                    + " subfolder per class (or directly in the folder, unlabelled)");
        }
        return new ImageFolder(folder, m.input(), type, p, files, subfolders.isEmpty() ? null : labelOf, classes);
    }

    private static List<String> names(List<Path> paths) {
        return paths.stream().map(p -> p.getFileName().toString()).toList();
    }

    private static List<Path> images(Path classFolder) throws IOException {
        try (Stream<Path> walk = Files.walk(classFolder)) {
            return walk.filter(p -> !hidden(classFolder, p) && Files.isRegularFile(p) && isImage(p))
                    .sorted(Comparator.comparing(p -> classFolder.relativize(p).toString()))
                    .toList();
        }
    }

    private static boolean hidden(Path root, Path p) {
        for (Path part : root.relativize(p)) {
            if (part.toString().startsWith(".")) {
                return true;
            }
        }
        return false;
    }

    static boolean isImage(Path p) {
        String name = p.getFileName().toString().toLowerCase(Locale.ROOT);
        return (name.endsWith(".png") || name.endsWith(".jpg") || name.endsWith(".jpeg")) && Files.isRegularFile(p);
    }
}
