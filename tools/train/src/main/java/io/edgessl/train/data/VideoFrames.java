package io.edgessl.train.data;

import io.edgessl.EdgeSslException;
import io.edgessl.ErrorCode;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.stream.Stream;

/**
 * Frames of YUV4MPEG2 videos ({@link Y4mReader}) as an unlabelled {@link ImageSet}: every {@code
 * step}-th frame of each video (frames 0, step, 2 step, ...), converted to grey or RGB and resized
 * as {@link ImageFolder} resizes images (shorter side to the training size, area averaging, centre
 * crop). Videos are read one frame at a time, so only the resized frames are held. The set keeps
 * the order (video by video in file-name order, frame by frame) and records each image's video and
 * frame number in {@link ImageSet#frames()}, for work that pairs neighbouring frames.
 */
public final class VideoFrames {
  // An image set is one byte array.
  private static final int MAX_BYTES = Integer.MAX_VALUE - 8;

  private VideoFrames() {}

  /**
   * Reads the frames of {@code path}: a {@code .y4m} file, or a directory whose {@code .y4m} files
   * (any case) are read in name order.
   *
   * @param channels 1 (grey) or 3 (RGB)
   * @param step keep every {@code step}-th frame (1: all)
   * @param maxPerVideo at most this many frames from each video, or null for all
   * @param limit at most this many frames in all, or null; reading stops once it is reached
   * @throws EdgeSslException when the path is missing, a directory holds no {@code .y4m} file, a
   *     file is not a readable Y4M video or is truncated, or no frame is read at all
   */
  public static ImageSet load(
      Path path, int size, int channels, int step, Integer maxPerVideo, Integer limit)
      throws EdgeSslException {
    if (size <= 0 || (channels != 1 && channels != 3) || step <= 0) {
      throw new IllegalArgumentException(
          "size " + size + ", channels " + channels + ", step " + step);
    }
    if ((maxPerVideo != null && maxPerVideo <= 0) || (limit != null && limit <= 0)) {
      throw new IllegalArgumentException(
          "frame caps must be positive: " + maxPerVideo + " per video, " + limit + " in all");
    }
    List<Path> files = files(path);
    int bytes = channels * size * size;
    ByteArrayOutputStream pixels = new ByteArrayOutputStream();
    byte[] one = new byte[bytes];
    List<Integer> video = new ArrayList<>();
    List<Integer> frame = new ArrayList<>();
    List<String> ranges = new ArrayList<>();
    for (int v = 0; v < files.size() && (limit == null || frame.size() < limit); v++) {
      Path f = files.get(v);
      int first = -1;
      int last = -1;
      int taken = 0;
      try (Y4mReader r = Y4mReader.open(f)) {
        for (int i = 0; ; i++) {
          if ((maxPerVideo != null && taken == maxPerVideo)
              || (limit != null && frame.size() == limit)) {
            break;
          }
          if (i % step != 0) {
            if (!r.skip()) {
              break;
            }
            continue;
          }
          Y4mFrame fr = r.read();
          if (fr == null) {
            break;
          }
          if (pixels.size() > MAX_BYTES - bytes) {
            throw new EdgeSslException(
                ErrorCode.UNAVAILABLE,
                f
                    + ": frame "
                    + i
                    + " would take the frames past the 2 GiB an image set holds; take fewer with"
                    + " --frame-step, --max-frames or --train-limit");
          }
          ImageFolder.scaleInto(fr.toImage(channels == 1), size, channels, one, 0);
          pixels.write(one, 0, bytes);
          video.add(v);
          frame.add(i);
          first = first < 0 ? i : first;
          last = i;
          taken++;
        }
      }
      if (taken == 0) {
        throw new EdgeSslException(ErrorCode.CORRUPT_FILE, f + ": the video has no frames");
      }
      ranges.add(f.getFileName() + " frames " + first + "-" + last);
    }
    int n = frame.size();
    String name =
        (Files.isDirectory(path) ? path + ": " : "")
            + summary(ranges)
            + (step > 1 ? String.format(Locale.ROOT, " (every %d)", step) : "");
    ImageSet.Frames index =
        new ImageSet.Frames(
            video.stream().mapToInt(Integer::intValue).toArray(),
            frame.stream().mapToInt(Integer::intValue).toArray(),
            files.stream().map(Path::toString).toList());
    int[] labels = new int[n];
    Arrays.fill(labels, -1);
    return new ImageSet(name, pixels.toByteArray(), channels, size, size, labels, List.of(), index);
  }

  /** The {@code .y4m} files of a directory in name order, or the file itself. */
  static List<Path> files(Path path) throws EdgeSslException {
    if (!Files.exists(path)) {
      throw new EdgeSslException(ErrorCode.FILE_NOT_FOUND, "video not found: " + path);
    }
    if (!Files.isDirectory(path)) {
      return List.of(path);
    }
    List<Path> out;
    try (Stream<Path> s = Files.list(path)) {
      out =
          s.filter(
                  p ->
                      Files.isRegularFile(p)
                          && p.getFileName().toString().toLowerCase(Locale.ROOT).endsWith(".y4m"))
              .sorted()
              .toList();
    } catch (IOException e) {
      throw new EdgeSslException(ErrorCode.IO, "cannot list " + path + ": " + e.getMessage(), e);
    }
    if (out.isEmpty()) {
      throw new EdgeSslException(ErrorCode.FILE_NOT_FOUND, "no .y4m files in " + path);
    }
    return out;
  }

  // A directory of many videos would make a name too long to print: first and last only.
  private static String summary(List<String> ranges) {
    if (ranges.size() <= 3) {
      return String.join(", ", ranges);
    }
    return ranges.size()
        + " videos ("
        + ranges.get(0)
        + ", ..., "
        + ranges.get(ranges.size() - 1)
        + ")";
  }
}
