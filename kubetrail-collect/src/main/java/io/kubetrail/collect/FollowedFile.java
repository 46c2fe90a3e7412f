package io.kubetrail.collect;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.Arrays;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Function;

/**
 * The file a followed path named when it was opened, read through its own channel: it can be
 * finished after the path has been renamed to a backup or removed. Only complete lines are read (up
 * to the last newline), so a line being written is read once it is whole.
 *
 * <p>The file is known by its first line ({@link FileCheckpoint}), so it is not read before that
 * line is complete; from then on it is read from the position its checkpoint names.
 */
final class FollowedFile implements AutoCloseable {
  /**
   * How far one read goes past the position, so that a long backlog is handed over in parts and a
   * stop is heard between them; a single longer line is still read whole.
   */
  static final long MAX_READ = 8L << 20;

  private static final int BLOCK = 64 * 1024;

  private final Path path;
  private final FileChannel channel;
  private final Object key;
  private final ByteBuffer block = ByteBuffer.allocate(BLOCK);
  private Optional<String> id = Optional.empty();
  private byte[] head = new byte[0];
  private long position;
  private long line;
  private long scanned; // no newline in [position, scanned)

  private FollowedFile(Path path, FileChannel channel, Object key) {
    this.path = path;
    this.channel = channel;
    this.key = key;
  }

  /**
   * Opens the file {@code path} names; empty when there is none, or when it was replaced while
   * being opened (the caller tries again).
   */
  static Optional<FollowedFile> open(Path path) throws IOException {
    try {
      Object before = Files.readAttributes(path, BasicFileAttributes.class).fileKey();
      FileChannel channel = FileChannel.open(path, StandardOpenOption.READ);
      try {
        Object after = Files.readAttributes(path, BasicFileAttributes.class).fileKey();
        // Only when the path named the same file before and after is the channel that file's.
        if (Objects.equals(before, after)) {
          return Optional.of(new FollowedFile(path, channel, after));
        }
      } catch (NoSuchFileException e) {
        // Renamed while being opened: start again on whatever the path names next.
      }
      channel.close();
      return Optional.empty();
    } catch (NoSuchFileException e) {
      return Optional.empty();
    }
  }

  /** The file's source id, once its first line is complete. */
  Optional<String> id() {
    return id;
  }

  long position() {
    return position;
  }

  long line() {
    return line;
  }

  long size() throws IOException {
    return channel.size();
  }

  /** True when the path now names another file, or none: this one was rotated away or removed. */
  boolean moved() throws IOException {
    try {
      return !Objects.equals(Files.readAttributes(path, BasicFileAttributes.class).fileKey(), key);
    } catch (NoSuchFileException e) {
      return true;
    }
  }

  /**
   * Identifies the file by its first line once that line is complete, and goes to the position
   * {@code positions} has for it, when the file still has a line ending there.
   *
   * @return false while the file has no complete non-blank line
   */
  boolean identify(String scope, Function<String, Optional<FileCheckpoint>> positions)
      throws IOException {
    if (channel.size() < scanned) {
      scanned = 0; // cut before it had a whole line
    }
    long end = completeEnd();
    if (end == 0) {
      return false;
    }
    Optional<byte[]> first;
    try (SourceInput input = new SourceInput(new Slice(channel, 0, end), 0)) {
      first = input.sniff().firstLine();
    }
    if (first.isEmpty()) {
      return false;
    }
    String sourceId = FileCheckpoint.sourceId(scope, first.get());
    head = new byte[(int) Math.min(end, FileCheckpoint.FINGERPRINT_BYTES)];
    readFully(head, 0);
    id = Optional.of(sourceId);
    position = 0;
    line = 0;
    scanned = 0;
    Optional<FileCheckpoint> at = positions.apply(sourceId);
    if (at.isPresent() && endsLineAt(at.get().offset())) {
      position = at.get().offset();
      line = at.get().line();
      scanned = position;
    }
    return true;
  }

  /**
   * True when the file was cut below the position, or now starts with other bytes than when it was
   * identified: truncated after being copied ({@code copytruncate}), or overwritten.
   */
  boolean rewritten() throws IOException {
    if (channel.size() < position) {
      return true;
    }
    byte[] now = new byte[head.length];
    return !readFully(now, 0) || !Arrays.equals(now, head);
  }

  /** Starts the file again from its beginning, as a new file to identify. */
  void restart() {
    id = Optional.empty();
    head = new byte[0];
    position = 0;
    line = 0;
    scanned = 0;
  }

  /**
   * The offset just past the last complete line after the position, at most about {@link #MAX_READ}
   * past it unless a single line is longer; the position when no line is complete.
   */
  long completeEnd() throws IOException {
    long size = channel.size();
    long at = Math.max(position, scanned);
    long last = -1;
    while (at < size && (last < 0 || at - position < MAX_READ)) {
      block.clear().limit((int) Math.min(BLOCK, size - at));
      int n = channel.read(block, at);
      if (n <= 0) {
        break;
      }
      for (int i = n - 1; i >= 0; i--) {
        if (block.get(i) == '\n') {
          last = at + i;
          break;
        }
      }
      at += n;
    }
    if (last < 0) {
      scanned = at;
      return position;
    }
    return last + 1;
  }

  /**
   * Reads the file from the position to {@code end} into {@code reader}, which checkpoints each
   * complete line under the file's id.
   */
  void read(RecordReader reader, long end) throws IOException {
    Slice slice = new Slice(channel, position, end);
    reader.read(slice, path.toString(), id, position, line);
    if (slice.at != end) {
      throw new IOException(
          path + " shrank to " + channel.size() + " bytes while being read at offset " + slice.at);
    }
    position = end;
    line += slice.newlines;
    scanned = end;
  }

  private boolean endsLineAt(long offset) throws IOException {
    byte[] before = new byte[1];
    return offset > 0
        && offset <= channel.size()
        && readFully(before, offset - 1)
        && before[0] == '\n';
  }

  private boolean readFully(byte[] bytes, long at) throws IOException {
    ByteBuffer buffer = ByteBuffer.wrap(bytes);
    while (buffer.hasRemaining()) {
      if (channel.read(buffer, at + buffer.position()) < 0) {
        return false;
      }
    }
    return true;
  }

  @Override
  public void close() throws IOException {
    channel.close();
  }

  @Override
  public String toString() {
    return path + " at offset " + position + " (line " + line + ")";
  }

  /**
   * Bytes {@code [from, to)} of a channel, read by position (so the channel is shared, never
   * moved), with the newlines passed counted. Closing it leaves the channel open.
   */
  static final class Slice extends InputStream {
    private final FileChannel channel;
    private final long end;
    private long at;
    private long newlines;

    Slice(FileChannel channel, long from, long to) {
      this.channel = channel;
      this.at = from;
      this.end = to;
    }

    @Override
    public int read() throws IOException {
      byte[] one = new byte[1];
      return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
      if (len == 0) {
        return 0;
      }
      if (at >= end) {
        return -1;
      }
      int n = channel.read(ByteBuffer.wrap(b, off, (int) Math.min(len, end - at)), at);
      if (n <= 0) {
        return -1; // cut short under us; the caller sees it by the offset reached
      }
      for (int i = off; i < off + n; i++) {
        if (b[i] == '\n') {
          newlines++;
        }
      }
      at += n;
      return n;
    }

    @Override
    public void close() {
      // The channel belongs to the followed file.
    }
  }
}
