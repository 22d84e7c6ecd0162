package dev.onnxinspect.samples.cli;

import dev.onnxinspect.arrow.ArrowWriteOptions;
import dev.onnxinspect.arrow.ScoresWriter;
import dev.onnxinspect.arrow.TableMetadata;
import dev.onnxinspect.data.Batch;
import dev.onnxinspect.data.DataSource;
import dev.onnxinspect.data.DatasetException;
import dev.onnxinspect.data.DatasetRules;
import dev.onnxinspect.data.ReshapedSource;
import dev.onnxinspect.guard.OodGuard;
import dev.onnxinspect.guard.ScoredBatch;
import dev.onnxinspect.guard.Verdict;
import dev.onnxinspect.inspect.ClassSource;
import dev.onnxinspect.inspect.Inspection;
import dev.onnxinspect.inspect.NonFinitePolicy;
import dev.onnxinspect.io.OutputPaths;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** Scores new data with detectors saved by {@code fit}: prediction, every score and the OOD flag per sample. */
@Command(
        name = "score",
        mixinStandardHelpOptions = true,
        footer = DataSpecs.SYNTAX,
        description = {
            "Score new data with the detectors saved by 'fit': writes a scores table (one row per sample:"
                    + " prediction, every detector's score, higher = more OOD, and the primary detector's conformal"
                    + " p-value (SPEC §6b) in the column p_value, lower = more unusual) and prints how many samples"
                    + " the primary detector flags as out-of-distribution."
        })
final class ScoreCommand implements Callable<Integer> {
    /** The scores table's column of the primary detector's p-value. */
    static final String P_VALUE_COLUMN = "p_value";

    @Parameters(index = "0", paramLabel = "MODEL", description = "The ONNX model file the detectors were fitted for.")
    Path model;

    @Option(names = "--guard", required = true, description = "The directory written by 'fit'.")
    Path guardDir;

    @Option(
            names = "--data",
            paramLabel = "DATA",
            required = true,
            arity = "1..*",
            description = "Datasets to score: " + DataSpecs.HELP + ".")
    List<String> data = new ArrayList<>();

    @Option(
            names = {"-o", "--out"},
            defaultValue = "onnx-inspect-out/scores.arrow",
            description = "The scores table to write (default: ${DEFAULT-VALUE}).")
    Path out;

    @Mixin
    DataOptions dataOptions;

    @Mixin
    RunOptions run;

    @Override
    public Integer call() throws Exception {
        OutputPaths.file(out); // before the scoring, not after it
        try (DataSpecs specs = DataSpecs.forModel(model, dataOptions);
                OodGuard guard = OodGuard.load(model, guardDir, run.session())) {
            List<DataSource> sources = new ArrayList<>();
            long[] inputShape = new long[0];
            if (guard.inputs().size() == 1) {
                long[] sample = guard.inputs().get(0).sampleShape();
                inputShape = new long[sample.length + 1];
                inputShape[0] = -1;
                System.arraycopy(sample, 0, inputShape, 1, sample.length);
            }
            for (String d : data) {
                // as fit and audit take them: flat images for a [N, 1, 28, 28] model are reshaped
                sources.add(ReshapedSource.fitTo(specs.resolve(d), inputShape));
            }
            List<String> names = guard.detectorNames();
            List<String> columns = new ArrayList<>(names);
            columns.add(P_VALUE_COLUMN);
            if (out.toAbsolutePath().getParent() != null) {
                Files.createDirectories(out.toAbsolutePath().getParent());
            }
            TableMetadata meta = TableMetadata.builder(
                            model.getFileName().toString(), guard.modelSha256(), ClassSource.PREDICTED)
                    .parameter("guard", guardDir.toAbsolutePath().toString())
                    .parameter("primary_detector", guard.primaryDetector())
                    .parameter(
                            "p_value",
                            "column " + P_VALUE_COLUMN + ": conformal p-value of " + guard.primaryDetector()
                                    + " (SPEC §6b), lower = more unusual; NaN for a guard saved without calibration"
                                    + " scores")
                    .parameter(
                            "decision",
                            guard.falseAlarmRate() == 0
                                    ? "score > " + guard.threshold() + " (target TPR "
                                            + guard.thresholds().targetTpr() + ")"
                                    : "p_value <= " + guard.falseAlarmRate())
                    .build();
            try (BufferAllocator allocator = new RootAllocator();
                    ScoresWriter w = new ScoresWriter(
                            out,
                            meta,
                            ArrowWriteOptions.defaults(),
                            allocator,
                            sources.stream().map(DataSource::name).toList(),
                            columns)) {
                NonFinitePolicy nonFinite = dataOptions.nonFinite();
                for (DataSource source : sources) {
                    long n = 0;
                    long flagged = 0;
                    long skipped = 0;
                    // the guard scores sample by sample; the batch only bounds what is read at once
                    Iterator<Batch> it = source.batches(run.batchSize > 0 ? run.batchSize : Inspection.MAX_AUTO_BATCH);
                    while (it.hasNext()) {
                        Batch b = it.next();
                        ScoredBatch scored = guard.scoreBatch(b, nonFinite);
                        List<Verdict> verdicts = scored.verdicts();
                        int[] samples = scored.scored();
                        skipped += scored.skippedNonFinite();
                        double[] row = new double[columns.size()];
                        for (int i = 0; i < verdicts.size(); i++) {
                            Verdict v = verdicts.get(i);
                            for (int d = 0; d < names.size(); d++) {
                                row[d] = v.score(names.get(d));
                            }
                            row[names.size()] = v.pValue();
                            if (b.labelled()) {
                                w.write(source.name(), n, b.labels()[samples[i]], v.predictedClass(), row);
                            } else {
                                w.writeUnlabelled(source.name(), n, v.predictedClass(), row);
                            }
                            n++;
                            flagged += v.ood() ? 1 : 0;
                        }
                    }
                    if (n == 0 && skipped > 0) {
                        throw new DatasetException("all " + skipped + " samples of " + source.name() + " have NaN or"
                                + " infinite activations and were skipped; nothing to score: check the data and the"
                                + " model");
                    }
                    // one rule for every command: a dataset without samples is refused (nothing is written)
                    DatasetRules.requireSamplesRead(source.name(), n);
                    System.out.printf(
                            Locale.ROOT,
                            "%s: %d samples, %d flagged as OOD by %s (%.2f%%; %s)%s%n",
                            source.name(),
                            n,
                            flagged,
                            guard.primaryDetector(),
                            100.0 * flagged / Math.max(1, n),
                            guard.falseAlarmRate() == 0
                                    ? "score above the " + guard.thresholds().targetTpr() + " TPR threshold"
                                    : "p-value <= " + guard.falseAlarmRate(),
                            nonFinite == NonFinitePolicy.SKIP ? skippedText(skipped) : "");
                }
                w.commit();
            }
            System.out.println("Scores in " + out.toAbsolutePath());
        }
        return ExitCodes.OK;
    }

    /** ", N skipped (NaN or infinite activations)", the same words as the other commands' summaries. */
    static String skippedText(long skipped) {
        return String.format(Locale.ROOT, ", %d skipped (NaN or infinite activations)", skipped);
    }
}
