package io.edgessl.train;

import io.edgessl.EdgeSslException;
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

  /** Loads what {@code o} names; fails before any training when the data is missing or empty. */
  public static TrainData load(TrainOptions o, int threads) throws EdgeSslException {
    if (o.dataset.equals("fashion-mnist")) {
      Path dir = o.data != null ? o.data : FashionMnist.DEBIAN_DIR;
      LabelledImages train = FashionMnist.load(dir, FashionMnist.Split.TRAIN);
      LabelledImages test = FashionMnist.load(dir, FashionMnist.Split.TEST);
      ImageSet set = ImageSet.of(o.trainLimit != null ? train.head(o.trainLimit) : train);
      if (o.knnEvery == 0) {
        return new TrainData(set, null, null, "off (--knn-every 0)");
      }
      if (train.height() != o.imageSize || o.channels != 1) {
        return new TrainData(
            set,
            null,
            null,
            "off: it embeds 28x28 grey images, the model trains at " + o.imageSize);
      }
      return new TrainData(set, train.head(o.knnBank), test.head(o.knnQueries), null);
    }
    if (o.dataset.equals("video")) {
      // --train-limit caps the frames read, so a long video is not decoded only to be cut.
      ImageSet set =
          VideoFrames.load(o.data, o.imageSize, o.channels, o.frameStep, o.maxFrames, o.trainLimit);
      return new TrainData(set, null, null, "off: videos have no held-out labelled split");
    }
    ImageSet set = ImageFolder.load(o.data, o.imageSize, o.channels, threads);
    if (o.trainLimit != null && o.trainLimit < set.count()) {
      set = set.slice(0, o.trainLimit);
    }
    return new TrainData(set, null, null, "off: image folders have no held-out labelled split");
  }
}
