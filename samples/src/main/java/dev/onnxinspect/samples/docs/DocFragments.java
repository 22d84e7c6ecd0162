package dev.onnxinspect.samples.docs;

import dev.onnxinspect.OnnxInspectException;
import dev.onnxinspect.OnnxInspectException.Kind;
import dev.onnxinspect.io.AtomicFiles;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;

/**
 * Replaces the text between {@code <!-- generated:NAME -->} and {@code <!-- /generated:NAME -->} in a Markdown
 * document by a fragment written by an experiment run; the markers stay, so the splice can be repeated. The markers
 * may sit on one line (a table cell) or on lines of their own (a whole table).
 *
 * <p>Choice: a fragment is inserted as written except for trailing line breaks, which are dropped when both markers
 * are on one line (a cell cannot hold a line break); a marker that is missing, or present twice, is an error, and
 * the document is then left unchanged. The document is written to a temporary file and renamed.
 *
 * <p>Command line: {@code DocFragments DOCUMENT NAME FRAGMENT_FILE} (exit 0; 3 for a bad marker, 4 for a file
 * error, with a one-line message).
 */
public final class DocFragments {
    private DocFragments() {}

    /** The opening marker of {@code name}. */
    public static String open(String name) {
        return "<!-- generated:" + name + " -->";
    }

    /** The closing marker of {@code name}. */
    public static String close(String name) {
        return "<!-- /generated:" + name + " -->";
    }

    /**
     * {@code document} with the text between the markers of {@code name} replaced by {@code fragment}.
     *
     * @throws OnnxInspectException (INVALID_INPUT) when the name is not a plain word, or a marker is missing, twice
     *                              there, or the closing one comes first
     */
    public static String splice(String document, String name, String fragment) {
        if (name == null || !name.matches("[A-Za-z0-9._-]+")) {
            throw new OnnxInspectException(
                    Kind.INVALID_INPUT,
                    "fragment name '" + name + "' must be letters,"
                            + " digits, '.', '_' or '-' (it is written into the markers " + open("NAME") + ")");
        }
        int from = once(document, open(name));
        int to = once(document, close(name));
        if (to < from) {
            throw new OnnxInspectException(
                    Kind.INVALID_INPUT,
                    "the marker " + close(name) + " comes before " + open(name) + "; put the opening marker first");
        }
        int start = from + open(name).length();
        boolean inline = document.substring(start, to).indexOf('\n') < 0;
        String body = inline ? fragment.strip() : "\n" + fragment.strip() + "\n";
        if (inline && body.indexOf('\n') >= 0) {
            throw new OnnxInspectException(
                    Kind.INVALID_INPUT,
                    "the fragment for the one-line markers of '" + name
                            + "' has several lines; write a one-line fragment or put the markers on lines of their own");
        }
        return document.substring(0, start) + body + document.substring(to);
    }

    private static int once(String document, String marker) {
        int at = document.indexOf(marker);
        if (at < 0) {
            throw new OnnxInspectException(
                    Kind.INVALID_INPUT,
                    "the document has no marker " + marker
                            + "; add it (with its closing marker) where the generated figures belong");
        }
        if (document.indexOf(marker, at + 1) >= 0) {
            throw new OnnxInspectException(
                    Kind.INVALID_INPUT,
                    "the marker " + marker + " is in the document twice; keep one pair per fragment name");
        }
        return at;
    }

    /** Splices the fragment file into the document file (see the class comment). */
    public static void spliceFile(Path document, String name, Path fragment) {
        try {
            String text = Files.readString(document, StandardCharsets.UTF_8);
            String piece = Files.readString(fragment, StandardCharsets.UTF_8);
            String result = splice(text, name, piece);
            if (!result.equals(text)) {
                AtomicFiles.write(document, result.getBytes(StandardCharsets.UTF_8));
            }
        } catch (NoSuchFileException e) {
            throw new OnnxInspectException(
                    Kind.IO,
                    "no such file: " + e.getFile()
                            + "; run the experiment that writes the fragment first (see scripts/regenerate-doc-figures.sh)",
                    e);
        } catch (IOException e) {
            throw new OnnxInspectException(
                    Kind.IO, "cannot splice " + fragment + " into " + document + ": " + e.getMessage(), e);
        }
    }

    public static void main(String[] args) {
        if (args.length != 3) {
            System.err.println("usage: DocFragments DOCUMENT NAME FRAGMENT_FILE");
            System.exit(2);
        }
        try {
            spliceFile(Path.of(args[0]), args[1], Path.of(args[2]));
        } catch (OnnxInspectException e) {
            System.err.println("error: " + e.getMessage());
            System.exit(e.kind() == Kind.IO ? 4 : 3);
        }
    }
}
