package dev.onnxinspect.samples.studies.perplexity;

import java.util.List;
import java.util.function.ToDoubleFunction;

/**
 * One grid model measured in both states: its training outcome and the figures of every hidden layer at
 * initialisation (epoch 0) and after training.
 *
 * @param model         the grid model
 * @param trainAccuracy the trained model's accuracy on its training images
 * @param testAccuracy  its accuracy on the test images of the statistics
 * @param trainSeconds  the training's wall time (of the run that trained it)
 * @param cached        whether it was loaded from an earlier run rather than trained by this one
 * @param untrained     per hidden layer, layer 1 first, at initialisation; copied
 * @param trained       the same after training; copied
 */
record ModelFigures(
        GridModel model,
        double trainAccuracy,
        double testAccuracy,
        double trainSeconds,
        boolean cached,
        List<LayerFigures> untrained,
        List<LayerFigures> trained) {
    ModelFigures {
        untrained = List.copyOf(untrained);
        trained = List.copyOf(trained);
    }

    /** The layers of one state. */
    List<LayerFigures> layers(boolean isTrained) {
        return isTrained ? trained : untrained;
    }

    /** One figure of every layer of one state, layer 1 first. */
    double[] values(boolean isTrained, ToDoubleFunction<LayerFigures> figure) {
        return layers(isTrained).stream().mapToDouble(figure).toArray();
    }

    /** The layer indices 1..depth as doubles (the x of the rank correlations). */
    double[] indices() {
        return trained.stream().mapToDouble(LayerFigures::index).toArray();
    }

    /** The layer indices 1..depth (the x of the charts). */
    int[] layerNumbers() {
        return trained.stream().mapToInt(LayerFigures::index).toArray();
    }
}
