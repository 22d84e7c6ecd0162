package dev.onnxinspect.samples.studies;

import dev.onnxinspect.samples.studies.perplexity.PerplexityNodesStudy;
import java.util.List;
import java.util.Optional;

/** The registry of {@link Study studies}; add a study here to give it a command. */
public final class Studies {
    /** Every study, in the order the command's help lists them. */
    public static final List<Study> ALL = List.of(
            new FrequenciesKlStudy(),
            new RandomizationStudy(),
            new OverfittingStudy(),
            new PerplexityNodesStudy(),
            new PathsStudy());

    private Studies() {}

    /** "k of n claims supported", the count of {@link Verdict#SUPPORTED} claims of a page. */
    public static String supportedCount(StudyPage page) {
        List<Claim> claims = page.claims();
        long supported =
                claims.stream().filter(c -> c.verdict() == Verdict.SUPPORTED).count();
        return supported + " of " + claims.size() + " claims supported";
    }

    /** The study named {@code name}. */
    public static Optional<Study> named(String name) {
        return ALL.stream().filter(s -> s.name().equals(name)).findFirst();
    }
}
