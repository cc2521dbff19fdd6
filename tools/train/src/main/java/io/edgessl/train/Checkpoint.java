package io.edgessl.train;

import io.edgessl.EdgeSslException;
import io.edgessl.ErrorCode;
import io.edgessl.internal.io.Json;
import io.edgessl.train.nn.Ops;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.bytedeco.javacpp.BytePointer;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.InputArchive;
import org.bytedeco.pytorch.MemoryFormatOptional;
import org.bytedeco.pytorch.NoGradGuard;
import org.bytedeco.pytorch.OutputArchive;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.TensorOptions;
import org.bytedeco.pytorch.global.torch;

/**
 * A training checkpoint: one libtorch archive ({@code OutputArchive}, the zip format {@code
 * torch.save} writes) holding every tensor of the run by name plus a {@code meta} entry, the UTF-8
 * JSON of the run's state (format version, options, encoder spec, epoch and step, optimizer step
 * counts, git commit) with the SHA-256 of all tensor contents, which {@link #load} verifies: a
 * damaged or truncated file is reported, never half-loaded. Files are written to a temporary name
 * and renamed over the target, so a crash leaves the previous checkpoint intact.
 */
public final class Checkpoint {
  /** Format version written into {@code meta}. */
  public static final int FORMAT = 1;

  private static final String META = "meta";

  private Checkpoint() {}

  /**
   * Writes {@code tensors} and {@code meta} (to which {@code format}, {@code tensors} and {@code
   * sha256} are added) to {@code file} atomically.
   */
  public static void save(Path file, Map<String, Object> meta, Map<String, Tensor> tensors)
      throws EdgeSslException {
    Map<String, Object> m = new LinkedHashMap<>(meta);
    m.put("format", FORMAT);
    m.put("tensors", new ArrayList<>(tensors.keySet()));
    m.put("sha256", hash(tensors));
    Path abs = file.toAbsolutePath();
    Path tmp = abs.resolveSibling("." + abs.getFileName() + ".tmp");
    try (PointerScope scope = new PointerScope()) {
      OutputArchive a = new OutputArchive();
      for (Map.Entry<String, Tensor> e : tensors.entrySet()) {
        a.write(e.getKey(), e.getValue().detach(), false);
      }
      a.write(META, bytesTensor(Json.write(m).getBytes(StandardCharsets.UTF_8)), true);
      a.save_to(tmp.toString());
    } catch (RuntimeException e) {
      deleteQuietly(tmp);
      throw new EdgeSslException(
          ErrorCode.IO, "cannot write checkpoint " + file + ": " + firstLine(e), e);
    }
    try {
      try (var ch =
          java.nio.channels.FileChannel.open(tmp, java.nio.file.StandardOpenOption.WRITE)) {
        ch.force(true);
      }
      try {
        Files.move(tmp, abs, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
      } catch (AtomicMoveNotSupportedException e) {
        Files.move(tmp, abs, StandardCopyOption.REPLACE_EXISTING);
      }
    } catch (IOException e) {
      deleteQuietly(tmp);
      throw new EdgeSslException(ErrorCode.IO, "cannot write checkpoint " + file + ": " + e, e);
    }
  }

  /** An opened checkpoint: its metadata, and its tensors read on demand. */
  public static final class Reader implements AutoCloseable {
    private final Path file;
    private final InputArchive archive;
    private final Map<String, Object> meta;

    private Reader(Path file, InputArchive archive, Map<String, Object> meta) {
      this.file = file;
      this.archive = archive;
      this.meta = meta;
    }

    /** The {@code meta} JSON object. */
    public Map<String, Object> meta() {
      return meta;
    }

    /** Names of the tensors saved, in order. */
    @SuppressWarnings("unchecked")
    public List<String> names() {
      return (List<String>) meta.get("tensors");
    }

    /**
     * Checks the content hash over everything saved, then copies the saved tensors into {@code
     * targets} (matched by name, shapes checked). Every target must be in the checkpoint; saved
     * tensors without a target are read and hashed only.
     *
     * @throws EdgeSslException when a tensor is missing, has another shape, or the hash differs
     */
    public void loadInto(Map<String, Tensor> targets) throws EdgeSslException {
      List<String> names = names();
      for (String n : targets.keySet()) {
        if (!names.contains(n)) {
          throw new EdgeSslException(
              ErrorCode.SHAPE_MISMATCH, file + ": checkpoint has no tensor '" + n + "'");
        }
      }
      Map<String, Tensor> read = new LinkedHashMap<>();
      try (PointerScope scope = new PointerScope();
          NoGradGuard g = new NoGradGuard()) {
        for (String n : names) {
          Tensor t = new Tensor();
          try {
            archive.read(n, t, false);
          } catch (RuntimeException e) {
            throw corrupt(file, "cannot read tensor '" + n + "': " + firstLine(e));
          }
          read.put(n, t);
        }
        String want = (String) meta.get("sha256");
        String got = hash(read);
        if (!got.equals(want)) {
          throw corrupt(file, "content hash " + got + " differs from the recorded " + want);
        }
        for (Map.Entry<String, Tensor> e : targets.entrySet()) {
          Tensor src = read.get(e.getKey());
          long[] a = Ops.shape(src);
          long[] b = Ops.shape(e.getValue());
          if (!Arrays.equals(a, b)) {
            throw new EdgeSslException(
                ErrorCode.SHAPE_MISMATCH,
                file
                    + ": tensor '"
                    + e.getKey()
                    + "' has shape "
                    + Arrays.toString(a)
                    + ", the model expects "
                    + Arrays.toString(b));
          }
          e.getValue().copy_(src);
        }
      }
    }

    @Override
    public void close() {
      archive.close();
    }
  }

  /**
   * Opens {@code file} and reads its metadata.
   *
   * @throws EdgeSslException when it is missing or not a checkpoint of this format
   */
  @SuppressWarnings("unchecked")
  public static Reader open(Path file) throws EdgeSslException {
    if (!Files.isRegularFile(file)) {
      throw new EdgeSslException(ErrorCode.FILE_NOT_FOUND, "checkpoint not found: " + file);
    }
    InputArchive a = new InputArchive();
    Map<String, Object> meta;
    try (PointerScope scope = new PointerScope()) {
      try {
        a.load_from(file.toString());
      } catch (RuntimeException e) {
        String msg = firstLine(e);
        int cut = msg.indexOf(". This is an internal miniz error");
        throw corrupt(
            file, "not a readable checkpoint (" + (cut > 0 ? msg.substring(0, cut) : msg) + ")");
      }
      Tensor t = new Tensor();
      try {
        a.read(META, t, true);
      } catch (RuntimeException e) {
        throw corrupt(file, "no metadata entry: not an EdgeSSL training checkpoint");
      }
      byte[] b = new byte[(int) t.numel()];
      try (BytePointer p = t.data_ptr_byte()) {
        p.get(b);
      }
      Object parsed;
      try {
        parsed = Json.parse(new String(b, StandardCharsets.UTF_8));
      } catch (Json.ParseException e) {
        throw corrupt(file, "damaged metadata (" + e.getMessage() + ")");
      }
      if (!(parsed instanceof Map)) {
        throw corrupt(file, "damaged metadata");
      }
      meta = (Map<String, Object>) parsed;
    } catch (EdgeSslException e) {
      a.close();
      throw e;
    }
    Object fmt = meta.get("format");
    if (!(fmt instanceof Number n) || n.intValue() != FORMAT) {
      a.close();
      throw new EdgeSslException(
          ErrorCode.UNSUPPORTED_VERSION,
          file + ": checkpoint format " + fmt + ", this build reads format " + FORMAT);
    }
    return new Reader(file, a, meta);
  }

  /** SHA-256 over every tensor's name, shape and float32 bytes, in order. */
  static String hash(Map<String, Tensor> tensors) {
    MessageDigest md;
    try {
      md = MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
    try (PointerScope scope = new PointerScope()) {
      for (Map.Entry<String, Tensor> e : tensors.entrySet()) {
        md.update(e.getKey().getBytes(StandardCharsets.UTF_8));
        md.update(Arrays.toString(Ops.shape(e.getValue())).getBytes(StandardCharsets.UTF_8));
        Tensor c = e.getValue().detach().contiguous();
        if (c.numel() > 0) {
          long bytes = c.numel() * c.element_size();
          ByteBuffer buf = new BytePointer(c.data_ptr()).capacity(bytes).asByteBuffer();
          md.update(buf);
        }
      }
    }
    return HexFormat.of().formatHex(md.digest());
  }

  private static Tensor bytesTensor(byte[] b) {
    Tensor t =
        torch.empty(
            new long[] {b.length},
            new TensorOptions(torch.ScalarType.Byte),
            new MemoryFormatOptional());
    try (BytePointer p = t.data_ptr_byte()) {
      p.put(b);
    }
    return t;
  }

  private static EdgeSslException corrupt(Path file, String what) {
    return new EdgeSslException(ErrorCode.CORRUPT_FILE, file + ": " + what);
  }

  static String firstLine(RuntimeException e) {
    String m = String.valueOf(e.getMessage());
    int nl = m.indexOf('\n');
    return nl < 0 ? m : m.substring(0, nl);
  }

  private static void deleteQuietly(Path p) {
    try {
      Files.deleteIfExists(p);
    } catch (IOException ignored) {
      // best effort: the temporary file has a dot name and is overwritten by the next save
    }
  }
}
