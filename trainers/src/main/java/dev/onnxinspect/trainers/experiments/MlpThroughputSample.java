package dev.onnxinspect.trainers.experiments;

import dev.onnxinspect.data.FashionMnist;
import dev.onnxinspect.trainers.arch.Mlp;
import dev.onnxinspect.trainers.train.EpochListener;
import dev.onnxinspect.trainers.train.OptimizerKind;
import dev.onnxinspect.trainers.train.Trainer;
import dev.onnxinspect.trainers.train.TrainingConfig;
import dev.onnxinspect.trainers.train.TrainingData;
import dev.onnxinspect.trainers.train.TrainingRun;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runnable sample (not a test): trains the 784-256-128-10 ReLU MLP on all 60,000 Fashion-MNIST training images and
 * reports the wall time and test accuracy. Arguments: [epochs (2)] [sgd|adam (adam)] [learning rate]. Reads
 * Fashion-MNIST from the dataset cache ({@link FashionMnist}); run it with {@code scripts/sample-mlp-throughput.sh}.
 */
public final class MlpThroughputSample {
    private static final Logger LOG = LoggerFactory.getLogger(MlpThroughputSample.class);

    private MlpThroughputSample() {}

    public static void main(String[] args) throws Exception {
        int epochs = args.length > 0 ? Integer.parseInt(args[0]) : 2;
        OptimizerKind optimizer = args.length > 1
                ? OptimizerKind.valueOf(args[1].toUpperCase(java.util.Locale.ROOT))
                : OptimizerKind.ADAM;
        TrainingConfig.Builder config =
                TrainingConfig.builder(epochs).optimizer(optimizer).seed(1);
        if (args.length > 2) {
            config.learningRate(Double.parseDouble(args[2]));
        }
        long load = System.nanoTime();
        TrainingData train = TrainingData.from(FashionMnist.train(), 10);
        TrainingData test = TrainingData.from(FashionMnist.test(), 10);
        LOG.info("loaded {} and {} in {} s", train, test, (System.nanoTime() - load) / 1e9);
        long start = System.nanoTime();
        TrainingRun run = Trainer.train(Mlp.relu(784, 10, 256, 128), train, test, config.build(), EpochListener.NONE);
        double seconds = (System.nanoTime() - start) / 1e9;
        double stepSeconds =
                run.history().stream().mapToDouble(r -> r.trainSeconds()).sum();
        LOG.info(
                "{} epochs: {} s in total (optimisation steps {} s), final test accuracy {}",
                epochs,
                seconds,
                stepSeconds,
                run.finalRecord().testAccuracy());
    }
}
