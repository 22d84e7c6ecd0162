package dev.onnxinspect.samples.dynamics;

import dev.onnxinspect.data.InMemoryDataset;
import dev.onnxinspect.dynamics.DynamicsException;
import dev.onnxinspect.trainers.train.TrainingData;
import java.util.HashMap;
import java.util.Map;

/** Fashion-MNIST subsets as {@link TrainingData}, and the small "--name value" argument parsing of the samples. */
final class SampleData {
    private SampleData() {}

    /** Samples [from, to) of {@code dataset} (flat [784] rows) as training data with sample shape {@code shape}. */
    static TrainingData trainingData(InMemoryDataset dataset, int from, int to, int[] shape) {
        if (from < 0 || to > dataset.size() || from >= to) {
            throw new DynamicsException("cannot take samples [" + from + ", " + to + ") of " + dataset.name() + " with "
                    + dataset.size() + " samples");
        }
        return TrainingData.from(dataset.subset(from, to).reshaped(shape), 10);
    }

    /** Parses {@code --name value} pairs; unknown names are an error naming the known ones. */
    static Map<String, String> arguments(String[] args, Map<String, String> defaults) {
        Map<String, String> values = new HashMap<>(defaults);
        for (int i = 0; i < args.length; i += 2) {
            String name = args[i].startsWith("--") ? args[i].substring(2) : "";
            if (!defaults.containsKey(name) || i + 1 >= args.length) {
                throw new DynamicsException("bad argument '" + args[i] + "'; expected --name value pairs with names "
                        + defaults.keySet() + " (defaults " + defaults + ")");
            }
            values.put(name, args[i + 1]);
        }
        return values;
    }
}
