package io.kubetrail.store.lucene;

import io.kubetrail.store.StoreCorruptException;
import io.kubetrail.store.StoreException;
import io.kubetrail.store.StoreLockedException;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Optional;
import org.apache.lucene.index.CorruptIndexException;
import org.apache.lucene.index.DirectoryReader;
import org.apache.lucene.index.IndexFormatTooNewException;
import org.apache.lucene.index.IndexFormatTooOldException;
import org.apache.lucene.index.IndexWriter;
import org.apache.lucene.store.Directory;
import org.apache.lucene.store.LockObtainFailedException;

/** How the store reports failures: damage named, Lucene's exceptions translated. */
final class StoreErrors {
  private StoreErrors() {}

  /**
   * A failure as the store reports it. Unless it is already the store's own, the files are checked
   * against their checksums: when one is damaged, the failure is a {@link StoreCorruptException}
   * naming it (damage shows as any exception at all); otherwise as {@link #translate} says. A
   * {@link RuntimeException} that is not damage, a bug, is thrown as it is.
   */
  static IOException diagnose(
      Path location, Directory directory, Optional<DirectoryReader> reader, Throwable e) {
    if (e instanceof StoreException s) {
      return s;
    }
    if (e instanceof BlockFiles.BlockDamageException b) {
      return new StoreCorruptException(location, b.damage().describe(), b);
    }
    try {
      Optional<StoreFiles.Damage> damage =
          reader.isPresent()
              ? StoreFiles.check(directory, reader.get())
              : StoreFiles.checkLatest(directory);
      if (damage.isPresent()) {
        return new StoreCorruptException(location, damage.get().describe(), e);
      }
    } catch (IOException | RuntimeException again) {
      e.addSuppressed(again);
    }
    return translate(location, e);
  }

  /** An exception's message without the store location it starts with, to wrap it in another. */
  static String withoutLocation(IOException e) {
    String message = String.valueOf(e.getMessage());
    if (e instanceof StoreException store && message.startsWith(store.location() + ": ")) {
      return message.substring(store.location().length() + 2);
    }
    return message;
  }

  /** A failure as the store reports it: damaged files become {@link StoreCorruptException}. */
  static IOException translate(Path location, Throwable e) {
    if (e instanceof StoreException s) {
      return s;
    }
    if (e instanceof CorruptIndexException
        || e instanceof IndexFormatTooOldException
        || e instanceof IndexFormatTooNewException) {
      return new StoreCorruptException(
          location,
          "the store's files are damaged or were written by an incompatible version ("
              + e.getMessage()
              + "); "
              + StoreFiles.WHAT_TO_DO,
          e);
    }
    if (e instanceof LockObtainFailedException) {
      return new StoreLockedException(location, e);
    }
    if (e instanceof IOException io) {
      return new StoreException(location, io.toString(), io);
    }
    if (e instanceof RuntimeException r) {
      throw r;
    }
    throw (Error) e;
  }

  static void closeQuietly(Throwable failure, AutoCloseable... resources) {
    for (AutoCloseable c : resources) {
      if (c == null) {
        continue;
      }
      try {
        if (c instanceof IndexWriter w) {
          w.rollback();
        } else {
          c.close();
        }
      } catch (Exception e) {
        failure.addSuppressed(e);
      }
    }
  }
}
