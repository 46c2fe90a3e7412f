package io.kubetrail.store.lucene;

import java.io.IOException;
import java.util.Collection;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.lucene.store.Directory;
import org.apache.lucene.store.FilterDirectory;
import org.apache.lucene.store.IOContext;
import org.apache.lucene.store.IndexOutput;

/**
 * A directory that fails on command: a full disk after some bytes, an I/O error on the n-th file
 * created, synced or renamed. Faults stay armed until {@link #disarm()}, as a full disk stays full.
 */
final class FaultyDirectory extends FilterDirectory {
  private final AtomicLong bytesLeft = new AtomicLong(Long.MAX_VALUE);
  private final AtomicInteger createsLeft = new AtomicInteger(Integer.MAX_VALUE);
  private final AtomicInteger syncsLeft = new AtomicInteger(Integer.MAX_VALUE);
  private final AtomicInteger renamesLeft = new AtomicInteger(Integer.MAX_VALUE);
  private final AtomicInteger fired = new AtomicInteger();

  FaultyDirectory(Directory in) {
    super(in);
  }

  /** "No space left on device" once this many more bytes have been written. */
  void diskFullAfter(long bytes) {
    bytesLeft.set(bytes);
  }

  /** An I/O error creating a file, after this many more files were created. */
  void failCreateAfter(int creates) {
    createsLeft.set(creates);
  }

  /** An I/O error syncing, after this many more syncs. */
  void failSyncAfter(int syncs) {
    syncsLeft.set(syncs);
  }

  /** An I/O error renaming (the moment a commit becomes visible), after this many renames. */
  void failRenameAfter(int renames) {
    renamesLeft.set(renames);
  }

  void disarm() {
    bytesLeft.set(Long.MAX_VALUE);
    createsLeft.set(Integer.MAX_VALUE);
    syncsLeft.set(Integer.MAX_VALUE);
    renamesLeft.set(Integer.MAX_VALUE);
  }

  /**
   * The block files' operations on the same disk: their writes use up the bytes left before a full
   * disk, as the index's do (the other faults are the index's own).
   */
  BlockFiles.Operations blockOperations() {
    return (op, file, at, data) -> {
      if (op == BlockFiles.Op.WRITE) {
        reserve(data.remaining());
      }
    };
  }

  /** How many faults have been injected so far. */
  int fired() {
    return fired.get();
  }

  @Override
  public IndexOutput createOutput(String name, IOContext context) throws IOException {
    countDown(createsLeft, "Input/output error (injected) creating " + name);
    return new Output(super.createOutput(name, context));
  }

  @Override
  public IndexOutput createTempOutput(String prefix, String suffix, IOContext context)
      throws IOException {
    countDown(createsLeft, "Input/output error (injected) creating a temporary file");
    return new Output(super.createTempOutput(prefix, suffix, context));
  }

  @Override
  public void sync(Collection<String> names) throws IOException {
    countDown(syncsLeft, "Input/output error (injected) syncing " + names);
    super.sync(names);
  }

  @Override
  public void syncMetaData() throws IOException {
    countDown(syncsLeft, "Input/output error (injected) syncing the directory");
    super.syncMetaData();
  }

  @Override
  public void rename(String source, String dest) throws IOException {
    countDown(renamesLeft, "Input/output error (injected) renaming " + source + " to " + dest);
    super.rename(source, dest);
  }

  private void countDown(AtomicInteger left, String message) throws IOException {
    if (left.getAndUpdate(n -> n == Integer.MAX_VALUE ? n : n - 1) <= 0) {
      left.set(0);
      fired.incrementAndGet();
      throw new IOException(message);
    }
  }

  private void reserve(long bytes) throws IOException {
    if (bytesLeft.get() == Long.MAX_VALUE) {
      return;
    }
    if (bytesLeft.addAndGet(-bytes) < 0) {
      bytesLeft.set(0);
      fired.incrementAndGet();
      throw new IOException("No space left on device (injected)");
    }
  }

  private final class Output extends IndexOutput {
    private final IndexOutput out;

    Output(IndexOutput out) {
      super("faulty(" + out + ")", out.getName());
      this.out = out;
    }

    @Override
    public void writeByte(byte b) throws IOException {
      reserve(1);
      out.writeByte(b);
    }

    @Override
    public void writeBytes(byte[] b, int offset, int length) throws IOException {
      reserve(length);
      out.writeBytes(b, offset, length);
    }

    @Override
    public long getFilePointer() {
      return out.getFilePointer();
    }

    @Override
    public long getChecksum() throws IOException {
      return out.getChecksum();
    }

    @Override
    public void close() throws IOException {
      out.close();
    }
  }
}
