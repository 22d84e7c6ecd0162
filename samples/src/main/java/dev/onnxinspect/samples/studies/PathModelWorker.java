package dev.onnxinspect.samples.studies;

import dev.onnxinspect.OnnxInspectException;
import dev.onnxinspect.dynamics.StepRange;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The worker process of a {@link PathPopulation}: trains and measures one model of the path study and writes its
 * {@link PathModelResult} atomically into the results directory. Started by {@link PathPopulation} with the
 * arguments of {@link #arguments}; exits with status 0 when the result is written, 1 otherwise (the error is logged).
 */
public final class PathModelWorker {
    private static final Logger LOG = LoggerFactory.getLogger(PathModelWorker.class);
    private static final List<String> NAMES = List.of(
            "out",
            "train",
            "test",
            "probe",
            "epochs",
            "early",
            "middle",
            "reference",
            "seed",
            "id",
            "widths",
            "noise",
            "weight-decay",
            "dropout",
            "model-seed");

    private PathModelWorker() {}

    public static void main(String[] args) {
        try {
            Map<String, String> a = parse(args);
            PathsStudy.Settings settings = new PathsStudy.Settings(
                    Integer.parseInt(a.get("train")),
                    Integer.parseInt(a.get("test")),
                    Integer.parseInt(a.get("probe")),
                    Integer.parseInt(a.get("epochs")),
                    range(a.get("early")),
                    range(a.get("middle")),
                    widths(a.get("reference")));
            PathPopulation population = new PathPopulation(settings, Long.parseLong(a.get("seed")));
            PathModelSpec spec = new PathModelSpec(
                    a.get("id"),
                    widths(a.get("widths")),
                    Double.parseDouble(a.get("noise")),
                    Double.parseDouble(a.get("weight-decay")),
                    Double.parseDouble(a.get("dropout")),
                    Long.parseLong(a.get("model-seed")));
            PathModelResult result = population.trainAndMeasure(spec, PathPopulation.Data.load(settings));
            result.write(Path.of(a.get("out")));
        } catch (Exception e) {
            LOG.error("ERROR path study worker failed: {}", e.toString(), e);
            System.exit(1);
        }
        System.exit(0);
    }

    /** The command line arguments that make a worker train {@code spec} of {@code population} into {@code out}. */
    static List<String> arguments(PathPopulation population, PathModelSpec spec, Path out) {
        PathsStudy.Settings s = population.settings();
        return List.of(
                "--out", out.toAbsolutePath().toString(),
                "--train", Integer.toString(s.train()),
                "--test", Integer.toString(s.test()),
                "--probe", Integer.toString(s.probe()),
                "--epochs", Integer.toString(s.epochs()),
                "--early", s.early().first() + "-" + s.early().last(),
                "--middle", s.middle().first() + "-" + s.middle().last(),
                "--reference", widthsText(s.referenceWidths()),
                "--seed", Long.toString(population.seed()),
                "--id", spec.id(),
                "--widths", spec.widthsText(),
                "--noise", Double.toString(spec.labelNoise()),
                "--weight-decay", Double.toString(spec.weightDecay()),
                "--dropout", Double.toString(spec.dropout()),
                "--model-seed", Long.toString(spec.seed()));
    }

    /** {@code --name value} pairs; every one of {@link #NAMES} is required. */
    static Map<String, String> parse(String[] args) {
        Map<String, String> values = new HashMap<>();
        for (int i = 0; i + 1 < args.length; i += 2) {
            values.put(args[i].startsWith("--") ? args[i].substring(2) : args[i], args[i + 1]);
        }
        if (args.length % 2 != 0 || !values.keySet().equals(Set.copyOf(NAMES))) {
            throw new OnnxInspectException("a path study worker expects the arguments --" + String.join(" V --", NAMES)
                    + " V, got " + Arrays.toString(args) + "; it is started by the paths study, not by hand");
        }
        return values;
    }

    private static StepRange range(String text) {
        String[] parts = text.split("-");
        return new StepRange(Integer.parseInt(parts[0]), Integer.parseInt(parts[1]));
    }

    private static int[] widths(String text) {
        return Arrays.stream(text.split("x")).mapToInt(Integer::parseInt).toArray();
    }

    private static String widthsText(int[] widths) {
        return String.join(
                "x", Arrays.stream(widths).mapToObj(Integer::toString).toList());
    }
}
