package io.edgessl.train;

import io.edgessl.EdgeSslException;
import io.edgessl.train.config.DataConfig;
import io.edgessl.train.config.RunConfig;
import io.edgessl.train.data.FashionMnist;
import io.edgessl.train.data.ImageFolder;
import io.edgessl.train.data.ImageSet;
import io.edgessl.train.data.LabelledImages;
import io.edgessl.train.data.VideoFrames;
import java.nio.file.Path;

/**
 * The images a run trains on (labels unused) and, where the dataset has a labelled held-out split,
 * the k-NN monitor's bank (labelled training images) and queries (held-out images).
 *
 * @param bank monitor bank, or null when there is no monitor
 * @param queries monitor queries, or null
 * @param monitorNote why there is no monitor, or null
 */
public record TrainData(
    ImageSet train, LabelledImages bank, LabelledImages queries, String monitorNote) {

  /** Loads what {@code c} names; fails before any training when the data is missing or empty. */
  public static TrainData load(TrainConfig c, int threads) throws EdgeSslException {
    return load(c.data(), c.run(), threads);
  }

  /**
   * Loads the training images {@code d} names, and the k-NN monitor's sets as {@code run} asks
   * (none when {@code run} is null or its {@code knnEvery} is 0).
   */
  public static TrainData load(DataConfig d, RunConfig run, int threads) throws EdgeSslException {
    Integer limit = d.trainLimit();
    if (d.dataset().equals("fashion-mnist")) {
      Path dir = d.data() != null ? d.data() : FashionMnist.DEBIAN_DIR;
      LabelledImages train = FashionMnist.load(dir, FashionMnist.Split.TRAIN);
      LabelledImages test = FashionMnist.load(dir, FashionMnist.Split.TEST);
      ImageSet set = ImageSet.of(limit != null ? train.head(limit) : train);
      if (run == null || run.knnEvery() == 0) {
        return new TrainData(set, null, null, "off (--knn-every 0)");
      }
      if (train.height() != d.imageSize() || d.channels() != 1) {
        return new TrainData(
            set,
            null,
            null,
            "off: it embeds 28x28 grey images, the model trains at " + d.imageSize());
      }
      return new TrainData(set, train.head(run.knnBank()), test.head(run.knnQueries()), null);
    }
    if (d.dataset().equals("video")) {
      // --train-limit caps the frames read, so a long video is not decoded only to be cut.
      ImageSet set =
          VideoFrames.load(
              d.data(), d.imageSize(), d.channels(), d.frameStep(), d.maxFrames(), limit);
      return new TrainData(set, null, null, "off: videos have no held-out labelled split");
    }
    ImageSet set = ImageFolder.load(d.data(), d.imageSize(), d.channels(), threads);
    if (limit != null && limit < set.count()) {
      set = set.slice(0, limit);
    }
    return new TrainData(set, null, null, "off: image folders have no held-out labelled split");
  }
}
