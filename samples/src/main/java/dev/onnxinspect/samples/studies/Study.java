package dev.onnxinspect.samples.studies;

import java.nio.file.Path;

/**
 * One of the studies the library was built from, rerun end to end: it trains what it needs, runs the library and
 * writes its results page ({@link StudyPage}) and its data under an output directory. Registered in
 * {@link Studies#ALL}; run as {@code ./onnx-inspect study <name>}.
 */
public interface Study {
    /**
     * The one-line Markdown fragment with a run's headline figures that a study may write next to its page, for
     * {@code scripts/regenerate-doc-figures.sh studies} to splice into the README's study table.
     */
    String README_FRAGMENT = "readme-line.md";

    /** The name on the command line, e.g. {@code frequencies-kl}. */
    String name();

    /** One line for the command's help. */
    String description();

    /**
     * Runs the study and writes {@code index.html}, {@code summary.md} and its data into {@code out}; returns the
     * page written. {@code quick}: a small variant (minutes, for the tests) whose verdicts may be
     * {@link Verdict#INCONCLUSIVE} but whose output has the full shape.
     */
    StudyPage run(Path out, boolean quick, long seed) throws Exception;
}
