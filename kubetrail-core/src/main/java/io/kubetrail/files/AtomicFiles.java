package io.kubetrail.files;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.UUID;

/**
 * Replaces a file whole, so that a reader (or a restart after a crash) sees the old content or the
 * new one, never a mix: the content goes to a temporary file of its own beside the file, is forced
 * to disk, renamed over the file, and the directory is synced so that the rename lasts too.
 *
 * <p>Temporary files are named {@code NAME.RANDOM.tmp}, so that two writers of one file never write
 * into each other's; a crash can leave one behind, which readers of the directory skip or remove.
 */
public final class AtomicFiles {
  /** Suffix of the temporary files. */
  public static final String TEMPORARY_SUFFIX = ".tmp";

  /** Writes a file's content to the stream it is given; it need not close it. */
  @FunctionalInterface
  public interface Content {
    void writeTo(OutputStream out) throws IOException;
  }

  /** Syncs a directory; seen by tests, to check that the rename is synced after it is done. */
  @FunctionalInterface
  interface DirectorySync {
    void sync(Path directory);
  }

  private AtomicFiles() {}

  /**
   * Replaces {@code file} with {@code content}, creating its directory if needed. When it fails,
   * the old file (or none) is left as it was and no temporary file remains.
   */
  public static void replace(Path file, Content content) throws IOException {
    replace(file, content, AtomicFiles::syncDirectory);
  }

  /** Replaces {@code file} with these bytes, as {@link #replace(Path, Content)}. */
  public static void replace(Path file, byte[] bytes) throws IOException {
    replace(file, out -> out.write(bytes));
  }

  static void replace(Path file, Content content, DirectorySync directorySync) throws IOException {
    Path target = file.toAbsolutePath();
    Path dir = target.getParent();
    Files.createDirectories(dir);
    Path tmp = dir.resolve(target.getFileName() + "." + UUID.randomUUID() + TEMPORARY_SUFFIX);
    try {
      try (FileChannel ch =
              FileChannel.open(tmp, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
          OutputStream out = new BufferedOutputStream(Channels.newOutputStream(ch), 1 << 16)) {
        content.writeTo(out);
        out.flush();
        ch.force(true);
      }
      try {
        Files.move(
            tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
      } catch (AtomicMoveNotSupportedException e) {
        Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING);
      }
    } finally {
      Files.deleteIfExists(tmp);
    }
    directorySync.sync(dir);
  }

  /**
   * Writes a new file and forces it to disk, for content that becomes visible by renaming the
   * directory that holds it; {@link #syncDirectory} then makes the names last.
   */
  public static void createSynced(Path file, byte[] bytes) throws IOException {
    try (FileChannel ch =
        FileChannel.open(file, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
      ByteBuffer buffer = ByteBuffer.wrap(bytes);
      while (buffer.hasRemaining()) {
        ch.write(buffer);
      }
      ch.force(true);
    }
  }

  /** Forces a directory's entries (names created, renamed or removed in it) to disk. */
  public static void syncDirectory(Path dir) {
    try (FileChannel ch = FileChannel.open(dir, StandardOpenOption.READ)) {
      ch.force(true);
    } catch (IOException e) {
      // Some platforms cannot open a directory for syncing; the rename is still atomic there.
    }
  }
}
