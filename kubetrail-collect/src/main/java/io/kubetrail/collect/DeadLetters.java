package io.kubetrail.collect;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Clock;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;

/**
 * Where rejected records go, so that nothing read is lost without a trace: a JSON Lines file with,
 * for each, when, which source, where in it, why, and (when the source cannot show it again, as a
 * webhook's request body) the record itself, cut at {@value #MAX_RECORD_CHARS} characters.
 */
public interface DeadLetters {

  /** Longest record text kept in a dead letter; the rest is cut. */
  int MAX_RECORD_CHARS = 1 << 20;

  /** Keeps nothing; rejections are still counted and reported. */
  DeadLetters NONE = (source, position, reason, record) -> {};

  /**
   * Records one rejection. Never throws: a dead-letter file that cannot be written must not stop
   * the pipeline (the rejection is still counted).
   *
   * @param position where in the source, e.g. {@code kube-audit.log:1234}
   * @param record the rejected record, when the source cannot show it again
   */
  void write(String source, String position, String reason, Optional<String> record);

  /** Appends dead letters to {@code file}, creating it (and its directory) when missing. */
  static DeadLetters file(Path file, Clock clock) throws IOException {
    return new FileDeadLetters(file, clock);
  }

  /** A JSON Lines dead-letter file. */
  final class FileDeadLetters implements DeadLetters {
    private static final JsonFactory JSON = JsonFactory.builder().build();
    private final Path file;
    private final Clock clock;

    private FileDeadLetters(Path file, Clock clock) throws IOException {
      this.file = Objects.requireNonNull(file, "file");
      this.clock = Objects.requireNonNull(clock, "clock");
      Path parent = file.toAbsolutePath().getParent();
      if (parent != null) {
        Files.createDirectories(parent);
      }
    }

    @Override
    public synchronized void write(
        String source, String position, String reason, Optional<String> record) {
      try (OutputStream out =
          Files.newOutputStream(file, StandardOpenOption.CREATE, StandardOpenOption.APPEND)) {
        out.write(line(clock.instant(), source, position, reason, record));
      } catch (IOException e) {
        // Counted by the caller all the same; the file is for inspection, not for safety.
      }
    }

    static byte[] line(
        Instant at, String source, String position, String reason, Optional<String> record)
        throws IOException {
      ByteArrayOutputStream bytes = new ByteArrayOutputStream();
      try (JsonGenerator g = JSON.createGenerator(bytes)) {
        g.writeStartObject();
        g.writeStringField("time", at.toString());
        g.writeStringField("source", source);
        g.writeStringField("position", position);
        g.writeStringField("reason", reason);
        if (record.isPresent()) {
          String text = record.get();
          boolean cut = text.length() > MAX_RECORD_CHARS;
          g.writeStringField("record", cut ? text.substring(0, MAX_RECORD_CHARS) : text);
          if (cut) {
            g.writeNumberField("recordChars", text.length());
          }
        }
        g.writeEndObject();
      }
      bytes.write('\n');
      return bytes.toByteArray();
    }

    @Override
    public String toString() {
      return file.toString();
    }
  }
}
