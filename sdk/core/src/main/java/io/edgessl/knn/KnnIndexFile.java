package io.edgessl.knn;

import io.edgessl.EdgeSslException;
import io.edgessl.ErrorCode;
import io.edgessl.internal.io.AtomicFiles;
import io.edgessl.knn.CrcStreams.In;
import io.edgessl.knn.CrcStreams.Out;
import io.edgessl.spi.PackedInt8Bank;
import java.io.EOFException;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;
import java.util.List;

/**
 * The {@code .knn} file format, versions 1, 2 and 3. All numbers little-endian.
 *
 * <pre>
 * magic       8 bytes  "EDGSSLKN"
 * version     u32      1, 2 or 3
 * dim         u32
 * count       u32      vectors
 * nextId      u64      id the next added vector gets
 * precision   u32      versions 2 and 3: 0 = FP32, 1 = INT8
 * rerank      u32      versions 2 and 3: the INT8 rerank factor (0 for FP32)
 * settings    u32      version 3 only: byte length of the classifier settings that follow, 0 or 20
 *   k           u32    neighbours that vote, &gt; 0
 *   temperature f64    of the vote weights, finite, &gt; 0
 *   vote        u32    0 = DINO, 1 = DINOV2_SOFTMAX, 2 = MAJORITY
 *   threshold   f32    open-set threshold: a cosine in [-1, 1], or -infinity for none
 * labels      u32      size of the label table, then for each: u32 byte length, UTF-8 bytes
 * ids         count x u64, strictly increasing
 * labelOf     count x u32, each &lt; labels
 * FP32:
 * vectors     count x dim x f32, row-major, L2-normalized
 * INT8 (version 2):
 * scales      count x f32, finite, >= 0
 * codes       count x dim x i8, row-major, each in [-127, 127]
 * vectors     count x dim x f32, only when rerank &gt; 0
 * crc32c      u32      CRC-32C of every byte before it
 * </pre>
 *
 * <p>{@link KnnIndex#save} writes FP32 indexes as version 1 and INT8 indexes as version 2, byte for
 * byte as before version 3 existed, so older builds keep reading them. {@link KnnClassifier#save}
 * writes version 3, whose settings section (covered by the checksum like everything else) holds the
 * classifier's settings. All three versions are read; a version-3 file's settings are checked
 * whoever reads it, and ignored by {@link KnnIndex#load}.
 */
final class KnnIndexFile {
  static final byte[] MAGIC = "EDGSSLKN".getBytes(StandardCharsets.US_ASCII);
  static final int VERSION = 1;
  static final int VERSION_INT8 = 2;
  static final int VERSION_SETTINGS = 3;
  private static final int PRECISION_FP32 = 0;
  private static final int PRECISION_INT8 = 1;
  private static final int MAX_LABEL_BYTES = 1 << 16;

  private KnnIndexFile() {}

  /** What a file holds: the index, and the classifier settings when it has them (else null). */
  record Contents(KnnIndex index, ClassifierSettings settings) {}

  /**
   * Writes {@code index} atomically ({@link AtomicFiles}): as version 3 with {@code settings} when
   * they are given, else as version 1 (FP32) or 2 (INT8). The caller holds the index's read lock.
   */
  static void write(Path file, KnnIndex index, ClassifierSettings settings)
      throws EdgeSslException {
    Path dir = file.toAbsolutePath().getParent();
    if (dir != null && !Files.isDirectory(dir)) {
      String why =
          Files.exists(dir) ? dir + " is not a directory" : "directory " + dir + " does not exist";
      throw new EdgeSslException(
          ErrorCode.FILE_NOT_FOUND, "cannot write k-NN index file " + file + ": " + why);
    }
    try {
      AtomicFiles.write(file, ch -> write(new Out(ch), index, settings));
    } catch (IOException e) {
      throw new EdgeSslException(
          ErrorCode.IO, "cannot write k-NN index file " + file + ": " + reason(e), e);
    }
  }

  /** Rejects a non-positive expected dimension (a programming error, not a bad file). */
  static void checkExpectedDimension(int expectedDimension) {
    if (expectedDimension <= 0) {
      throw new IllegalArgumentException(
          "expected dimension must be positive: " + expectedDimension);
    }
  }

  private static String reason(IOException e) {
    if (e instanceof AccessDeniedException) {
      return "permission denied";
    }
    if (e instanceof FileSystemException) {
      // Its message is only the path at fault (often the temporary file) unless it has a reason.
      FileSystemException f = (FileSystemException) e;
      return f.getReason() != null
          ? f.getReason()
          : e.getClass().getSimpleName() + " (" + f.getFile() + ")";
    }
    return e.getMessage() != null ? e.getMessage() : e.getClass().getSimpleName();
  }

  private static void write(Out out, KnnIndex index, ClassifierSettings settings)
      throws IOException {
    Entries entries = index.entries();
    int dim = index.dimension();
    int count = entries.count;
    List<String> labels = entries.labels();
    Int8Bank int8 = entries.int8Bank();
    out.bytes(MAGIC);
    out.i32(settings != null ? VERSION_SETTINGS : int8 == null ? VERSION : VERSION_INT8);
    out.i32(dim);
    out.i32(count);
    out.i64(entries.nextId);
    if (int8 != null || settings != null) {
      out.i32(int8 != null ? PRECISION_INT8 : PRECISION_FP32);
      out.i32(int8 != null ? int8.rerank() : 0);
    }
    if (settings != null) {
      out.i32(ClassifierSettings.BYTES);
      out.i32(settings.k());
      out.f64(settings.temperature());
      out.i32(ClassifierSettings.voteCode(settings.vote()));
      out.f32(settings.openSetThreshold());
    }
    out.i32(labels.size());
    for (String l : labels) {
      byte[] b = l.getBytes(StandardCharsets.UTF_8);
      out.i32(b.length);
      out.bytes(b);
    }
    for (int i = 0; i < count; i++) {
      out.i64(entries.ids[i]);
    }
    for (int i = 0; i < count; i++) {
      out.i32(entries.labelOf[i]);
    }
    float[] v = new float[dim];
    if (int8 != null) {
      for (int i = 0; i < count; i++) {
        out.f32(int8.scale(i));
      }
      byte[] c = new byte[dim];
      for (int i = 0; i < count; i++) {
        int8.codes(i, c);
        out.bytes(c);
      }
    }
    if (int8 == null || int8.hasRows()) {
      for (int i = 0; i < count; i++) {
        entries.bank.get(i, v);
        for (float x : v) {
          out.f32(x);
        }
      }
    }
    out.finish();
  }

  /**
   * Reads a file of any version; checks its dimension when {@code expectedDim > 0}.
   *
   * @throws EdgeSslException naming the file: FILE_NOT_FOUND, CORRUPT_FILE (with the field at
   *     fault), UNSUPPORTED_VERSION, SHAPE_MISMATCH or IO
   */
  static Contents read(Path file, int expectedDim) throws EdgeSslException {
    try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
      In in = new In(ch);
      byte[] magic = in.bytes(MAGIC.length);
      if (!Arrays.equals(magic, MAGIC)) {
        throw corrupt(file, "not an EdgeSSL k-NN index (bad magic number)");
      }
      int version = in.i32();
      if (version != VERSION && version != VERSION_INT8 && version != VERSION_SETTINGS) {
        throw new EdgeSslException(
            ErrorCode.UNSUPPORTED_VERSION,
            file
                + ": k-NN index format version "
                + version
                + " is not supported (this build reads "
                + VERSION
                + ", "
                + VERSION_INT8
                + " and "
                + VERSION_SETTINGS
                + ")");
      }
      int dim = in.i32();
      int count = in.i32();
      long nextId = in.i64();
      int precision = PRECISION_FP32;
      int rerank = 0;
      if (version >= VERSION_INT8) {
        precision = in.i32();
        rerank = in.i32();
        boolean known =
            (precision == PRECISION_FP32 && rerank == 0)
                || (precision == PRECISION_INT8 && rerank >= 0 && rerank <= KnnIndex.MAX_RERANK);
        if (!known) {
          throw corrupt(file, "invalid precision " + precision + " or rerank factor " + rerank);
        }
        if (precision == PRECISION_INT8 && dim > PackedInt8Bank.MAX_DIM) {
          throw corrupt(file, "INT8 index of dimension " + dim);
        }
      }
      ClassifierSettings settings = version == VERSION_SETTINGS ? readSettings(in, file) : null;
      boolean int8 = precision == PRECISION_INT8;
      boolean floats = !int8 || rerank > 0;
      int labelCount = in.i32();
      if (dim <= 0 || count < 0 || labelCount < 0 || nextId < count) {
        throw corrupt(
            file,
            "invalid header (dim " + dim + ", count " + count + ", labels " + labelCount + ")");
      }
      if (dim > KnnIndex.MAX_DIMENSION) {
        throw corrupt(
            file, "invalid dimension " + dim + " (at most " + KnnIndex.MAX_DIMENSION + ")");
      }
      if (expectedDim > 0 && dim != expectedDim) {
        throw new EdgeSslException(
            ErrorCode.SHAPE_MISMATCH,
            file + ": index has dimension " + dim + ", expected " + expectedDim);
      }
      // Check the size the header promises before allocating anything for it.
      long perVector = 8 + 4 + (floats ? 4L * dim : 0) + (int8 ? 4 + (long) dim : 0);
      long fixed = (long) count * perVector + 4;
      if (fixed > in.remaining()) {
        throw corrupt(file, "truncated: header promises " + count + " vectors of dimension " + dim);
      }
      // Each label takes at least its 4-byte length: a label count the file cannot hold must not
      // size an array (found by KnnFileFuzzTest: 3.7 GB allocated for a 58-byte file).
      if (4L * labelCount > in.remaining() - fixed) {
        throw corrupt(file, "truncated: header promises " + labelCount + " labels");
      }
      String[] labels = new String[labelCount];
      for (int i = 0; i < labelCount; i++) {
        int len = in.i32();
        if (len < 0 || len > MAX_LABEL_BYTES || len > in.remaining()) {
          throw corrupt(file, "invalid label length " + len);
        }
        labels[i] = new String(in.bytes(len), StandardCharsets.UTF_8);
      }
      KnnIndex index =
          KnnIndex.builder(dim)
              .labels(List.of(labels))
              .precision(int8 ? BankPrecision.INT8 : BankPrecision.FP32)
              .rerank(rerank)
              .build();
      if (index.labels().size() != labelCount) {
        throw corrupt(file, "duplicate labels in the label table");
      }
      long[] ids = new long[count];
      for (int i = 0; i < count; i++) {
        ids[i] = in.i64();
        if (ids[i] < 0 || ids[i] >= nextId || (i > 0 && ids[i] <= ids[i - 1])) {
          throw corrupt(file, "invalid id " + ids[i] + " at entry " + i);
        }
      }
      int[] labelOf = new int[count];
      for (int i = 0; i < count; i++) {
        labelOf[i] = in.i32();
        if (labelOf[i] < 0 || labelOf[i] >= labelCount) {
          throw corrupt(file, "invalid label index " + labelOf[i] + " at entry " + i);
        }
      }
      if (int8) {
        readInt8(in, file, index, dim, count, floats, ids, labelOf);
      } else {
        float[] v = new float[dim];
        for (int i = 0; i < count; i++) {
          readVector(in, file, v, i);
          index.entries().restore(ids[i], labelOf[i], v);
        }
      }
      int computed = in.crc();
      int stored = in.i32();
      if (computed != stored) {
        throw corrupt(
            file,
            String.format(
                "checksum mismatch (stored %08x, computed %08x): the file is damaged",
                stored, computed));
      }
      if (in.remaining() != 0) {
        throw corrupt(file, in.remaining() + " unexpected bytes after the checksum");
      }
      index.entries().nextId = nextId;
      return new Contents(index, settings);
    } catch (NoSuchFileException e) {
      throw new EdgeSslException(ErrorCode.FILE_NOT_FOUND, "k-NN index file not found: " + file, e);
    } catch (AccessDeniedException e) {
      throw new EdgeSslException(
          ErrorCode.FILE_NOT_FOUND, "cannot read k-NN index file " + file, e);
    } catch (EOFException e) {
      throw corrupt(file, "truncated");
    } catch (IOException e) {
      throw new EdgeSslException(ErrorCode.IO, "cannot read k-NN index file " + file + ": " + e, e);
    }
  }

  private static void readVector(In in, Path file, float[] v, int i)
      throws IOException, EdgeSslException {
    for (int d = 0; d < v.length; d++) {
      v[d] = in.f32();
      if (!Float.isFinite(v[d])) {
        throw corrupt(file, "non-finite value in vector " + i);
      }
    }
  }

  /** Scales, then codes, then (when reranking) the FP32 vectors; see the format above. */
  private static void readInt8(
      In in,
      Path file,
      KnnIndex index,
      int dim,
      int count,
      boolean floats,
      long[] ids,
      int[] labelOf)
      throws IOException, EdgeSslException {
    float[] scales = new float[count];
    for (int i = 0; i < count; i++) {
      scales[i] = in.f32();
      if (!(scales[i] >= 0f) || !Float.isFinite(scales[i])) {
        throw corrupt(file, "invalid INT8 scale " + scales[i] + " of vector " + i);
      }
    }
    byte[][] codes = new byte[count][];
    for (int i = 0; i < count; i++) {
      codes[i] = in.bytes(dim);
      for (byte c : codes[i]) {
        if (c < -PackedInt8Bank.MAX_CODE) {
          throw corrupt(file, "invalid INT8 code " + c + " in vector " + i);
        }
      }
    }
    float[] v = floats ? new float[dim] : null;
    for (int i = 0; i < count; i++) {
      if (floats) {
        readVector(in, file, v, i);
      }
      index.entries().restoreInt8(ids[i], labelOf[i], codes[i], scales[i], v);
    }
  }

  /**
   * The settings section of a version-3 file: its length, then (unless 0) the settings, each
   * checked. A truncated or invalid field is reported by name.
   */
  private static ClassifierSettings readSettings(In in, Path file)
      throws IOException, EdgeSslException {
    String field = "length";
    try {
      int length = in.i32();
      if (length == 0) {
        return null;
      }
      if (length != ClassifierSettings.BYTES) {
        throw corrupt(
            file,
            "invalid classifier settings length "
                + length
                + " (this build writes "
                + ClassifierSettings.BYTES
                + ")");
      }
      field = "k";
      int k = in.i32();
      check(file, "k", k, ClassifierSettings.checkK(k));
      field = "temperature";
      double t = in.f64();
      check(file, "temperature", t, ClassifierSettings.checkTemperature(t));
      field = "vote";
      int code = in.i32();
      Vote vote = ClassifierSettings.vote(code);
      check(
          file, "vote", code, vote != null ? null : "must be 0 (dino), 1 (dinov2) or 2 (majority)");
      field = "open-set threshold";
      float threshold = in.f32();
      check(file, "open-set threshold", threshold, ClassifierSettings.checkThreshold(threshold));
      return new ClassifierSettings(k, t, vote, threshold);
    } catch (EOFException e) {
      throw corrupt(file, "truncated in the classifier settings (" + field + ")");
    }
  }

  private static void check(Path file, String field, Object value, String problem)
      throws EdgeSslException {
    if (problem != null) {
      throw corrupt(file, "invalid classifier setting " + field + " = " + value + ": " + problem);
    }
  }

  private static EdgeSslException corrupt(Path file, String what) {
    return new EdgeSslException(ErrorCode.CORRUPT_FILE, file + ": " + what);
  }
}
