package dev.onnxinspect.samples.cli;

import dev.onnxinspect.OnnxInspectException;
import dev.onnxinspect.samples.studies.Studies;
import dev.onnxinspect.samples.studies.Study;
import dev.onnxinspect.samples.studies.StudyPage;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * Reruns one of the studies the library was built from ({@link Studies#ALL}): trains what it needs, runs the
 * library and writes the study's results page ({@code index.html}, {@code summary.md}) and its data. An unknown name
 * is an input error that lists the known ones.
 */
@Command(
        name = "study",
        mixinStandardHelpOptions = true,
        description = {
            "Reruns a study behind the library and writes its results page (index.html with the plots, summary.md"
                    + " with the numbers): each claim, the measured figure and whether it supports the claim.",
            "Datasets come from the cache (scripts/fetch-data.sh fetches them).",
        })
final class StudyCommand implements Callable<Integer> {
    private static final Logger LOG = LoggerFactory.getLogger(StudyCommand.class);

    @Parameters(index = "0", paramLabel = "NAME", description = "The study to run (listed below).")
    String name;

    @Option(
            names = "--quick",
            description = "A small variant (a minute or so): the full page, but its verdicts may be inconclusive.")
    boolean quick;

    @Option(names = "--out", description = "Output directory (default: results/studies/NAME, NAME the study's name).")
    Path out;

    @Option(
            names = "--seed",
            defaultValue = "42",
            description = "Seed of training and sampling (default: ${DEFAULT-VALUE}).")
    long seed;

    /**
     * Puts the list of the studies (one line each: name and description) into the help of {@code study}, the
     * subcommand as {@link Main} registered it; the registry is only known at run time, not in the annotation.
     */
    static void listStudies(CommandLine study) {
        List<String> lines = new ArrayList<>();
        lines.add("");
        lines.add("Studies:");
        for (Study s : Studies.ALL) {
            lines.add(String.format(Locale.ROOT, "  %-18s %s", s.name(), s.description()));
        }
        study.getCommandSpec().usageMessage().footer(lines.toArray(String[]::new));
    }

    @Override
    public Integer call() throws Exception {
        Study study = Studies.named(name)
                .orElseThrow(() -> new OnnxInspectException("unknown study '" + name + "'; give one of "
                        + Studies.ALL.stream().map(Study::name).toList()
                        + " (onnx-inspect study --help describes them)"));
        Path directory = out != null ? out : Path.of("results", "studies", study.name());
        long start = System.nanoTime();
        StudyPage page = study.run(directory, quick, seed);
        double seconds = (System.nanoTime() - start) / 1e9;
        LOG.info("study {} finished in {} s", study.name(), String.format(Locale.ROOT, "%.0f", seconds));
        System.out.printf(
                Locale.ROOT,
                "study %s%s: %s, written to %s (%.0f s)%n",
                study.name(),
                quick ? " (quick)" : "",
                Studies.supportedCount(page),
                directory.resolve(StudyPage.HTML),
                seconds);
        return ExitCodes.OK;
    }
}
