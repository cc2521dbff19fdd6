package io.edgessl.train;

import io.edgessl.EdgeSslException;
import io.edgessl.ErrorCode;
import io.edgessl.internal.io.AtomicFiles;
import io.edgessl.internal.io.Json;
import java.io.BufferedWriter;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The run's JSON-lines log ({@code train.jsonl}): one object per line, each with an {@code event}
 * ({@code start}, {@code resume}, {@code step}, {@code knn}, {@code epoch}, {@code stop}), written
 * and flushed line by line so a crash loses at most the line being written. Resuming from a
 * checkpoint first drops the lines logged after it (those steps will run again).
 */
public final class TrainLog implements AutoCloseable {
  private final Path file;
  private final BufferedWriter out;

  private TrainLog(Path file, BufferedWriter out) {
    this.file = file;
    this.out = out;
  }

  /** Starts a new log, replacing any old one. */
  public static TrainLog create(Path file) throws EdgeSslException {
    try {
      AtomicFiles.write(file, new byte[0]);
      return new TrainLog(file, open(file));
    } catch (IOException e) {
      throw new EdgeSslException(ErrorCode.IO, "cannot write " + file + ": " + e.getMessage(), e);
    }
  }

  /**
   * Reopens an existing log for a run resumed at global step {@code step}: lines of later steps
   * (and their epochs' k-NN and epoch lines) are dropped, atomically.
   */
  public static TrainLog resume(Path file, long step) throws EdgeSslException {
    try {
      List<String> keep = new ArrayList<>();
      if (Files.isRegularFile(file)) {
        for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
          if (line.isBlank()) {
            continue;
          }
          Object o;
          try {
            o = Json.parse(line);
          } catch (Json.ParseException e) {
            continue; // a line cut by a crash
          }
          if (o instanceof Map<?, ?> m
              && m.get("step") instanceof Number s
              && s.longValue() > step) {
            continue;
          }
          keep.add(line);
        }
      }
      StringBuilder b = new StringBuilder();
      for (String l : keep) {
        b.append(l).append('\n');
      }
      AtomicFiles.write(file, b.toString().getBytes(StandardCharsets.UTF_8));
      return new TrainLog(file, open(file));
    } catch (IOException e) {
      throw new EdgeSslException(ErrorCode.IO, "cannot rewrite " + file + ": " + e.getMessage(), e);
    }
  }

  private static BufferedWriter open(Path file) throws IOException {
    return Files.newBufferedWriter(
        file, StandardCharsets.UTF_8, StandardOpenOption.APPEND, StandardOpenOption.CREATE);
  }

  /** The log file. */
  public Path file() {
    return file;
  }

  /** Appends one record. */
  public void write(Map<String, Object> record) throws EdgeSslException {
    try {
      out.write(Json.write(record));
      out.write('\n');
      out.flush();
    } catch (IOException e) {
      throw new EdgeSslException(ErrorCode.IO, "cannot write " + file + ": " + e.getMessage(), e);
    }
  }

  /** Reads every record of a log (unparseable lines skipped). */
  public static List<Map<?, ?>> read(Path file) throws EdgeSslException {
    List<Map<?, ?>> out = new ArrayList<>();
    try {
      for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
        try {
          if (!line.isBlank() && Json.parse(line) instanceof Map<?, ?> m) {
            out.add(m);
          }
        } catch (Json.ParseException e) {
          // a line cut by a crash
        }
      }
    } catch (IOException e) {
      throw new EdgeSslException(ErrorCode.IO, "cannot read " + file + ": " + e.getMessage(), e);
    }
    return out;
  }

  @Override
  public void close() {
    try {
      out.close();
    } catch (IOException e) {
      // every line was flushed when written
    }
  }
}
