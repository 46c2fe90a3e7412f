package io.kubetrail.store.lucene;

import io.kubetrail.store.AppendResult;
import io.kubetrail.store.AuditStore;
import io.kubetrail.store.Batch;
import io.kubetrail.store.SourceCheckpoint;
import io.kubetrail.store.StoreOptions;
import io.kubetrail.store.StoredEvent;
import io.kubetrail.store.TestEvents;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Random;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.lucene.index.SerialMergeScheduler;
import org.apache.lucene.store.Directory;
import org.apache.lucene.store.FilterDirectory;
import org.apache.lucene.store.IOContext;
import org.apache.lucene.store.IndexOutput;

/**
 * The process {@link CrashTest} kills: appends numbered batches to a store and prints {@code ACK n}
 * once batch n's append has returned. It may also stop itself dead ({@link Runtime#halt}, as a
 * {@code kill -9} would) at a chosen point of one batch's append.
 *
 * <p>Arguments: store directory, seed, first batch, last batch, mode ({@code run}, {@code
 * halt-before-commit}, {@code halt-mid-write} with a byte count, {@code halt-after-commit}); a halt
 * happens during the last batch. A batch is committed once its batch record, which follows its
 * blocks, is complete in the block files (durable once they are synced): {@code halt-before-commit}
 * halts before that record is written, {@code halt-mid-write} that many bytes into the batch's
 * writes to the block files (within its record at the latest). Mode {@code halt-creating} halts
 * while the store is created, just before its first commit becomes visible. Mode {@code halt-at-op}
 * with an operation number and a byte count halts at that file operation (creating, syncing,
 * renaming or deleting a file), or that many bytes into the file it creates: merges run on the
 * appending thread then, so the same arguments halt at the same point every time. Mode {@code
 * power-loss-at-op} halts in the same way and journals every file operation that makes data or
 * names durable (see {@link #journal}), so that the test can then drop what a power loss would have
 * lost. Mode {@code power-loss-pruning-at-op} does the same while pruning as well: after every
 * third batch n it prints {@code PRUNE k}, prunes every batch before k = n - 1 and prints {@code
 * PRUNED k}; its block files roll at {@link #PRUNING_ROLL_BYTES}, so that prunes delete whole
 * files. Mode {@code power-loss-concurrent-at-op} does the same as power-loss-at-op with {@link
 * #APPENDERS} threads appending at once (so that appends share syncs), each to a source of its own;
 * which thread reaches the halting operation first varies from run to run. Its files roll early
 * too.
 */
public final class CrashingAppender {
  static final int HALT_STATUS = 137;
  static final String SOURCE = "src";

  /** Block files roll this early in mode power-loss-pruning-at-op. */
  static final long PRUNING_ROLL_BYTES = 256 * 1024;

  /** The first bytes of a batch record in the block files ("KTBR"). */
  private static final int RECORD_MAGIC = 0x4b544252;

  private CrashingAppender() {}

  public static void main(String[] args) throws IOException {
    Path dir = Path.of(args[0]);
    long seed = Long.parseLong(args[1]);
    int first = Integer.parseInt(args[2]);
    int last = Integer.parseInt(args[3]);
    String mode = args[4];
    boolean pruning = mode.equals("power-loss-pruning-at-op");
    boolean concurrent = mode.equals("power-loss-concurrent-at-op");
    boolean powerLoss = pruning || concurrent || mode.equals("power-loss-at-op");
    boolean atOp = powerLoss || mode.equals("halt-at-op");
    long haltAtOp = atOp ? Long.parseLong(args[5]) : -1;
    long haltAfterBytes =
        atOp ? Long.parseLong(args[6]) : args.length > 5 ? Long.parseLong(args[5]) : 0;

    AtomicBoolean armed = new AtomicBoolean(mode.equals("halt-creating") || atOp);
    AtomicLong bytes = new AtomicLong(haltAfterBytes);
    OpCounter counter = new OpCounter(haltAtOp, powerLoss ? journal(dir) : null);
    try (AuditStore store =
        LuceneStore.open(
            dir,
            StoreOptions.defaults(),
            LuceneOptions.defaults().withRamBufferMb(2),
            d -> new HaltingDirectory(d, mode, armed, bytes, counter),
            c -> {
              if (atOp) {
                c.setMergeScheduler(new SerialMergeScheduler());
              }
            },
            new HaltingBlocks(mode, armed, bytes, counter),
            false,
            pruning || concurrent ? PRUNING_ROLL_BYTES : BlockFiles.ROLL_BYTES)) {
      if (concurrent) {
        appendConcurrently(store, seed, first, last);
      }
      for (int n = first; n <= last && !concurrent; n++) {
        armed.set(atOp || (n == last && !mode.equals("run")));
        AppendResult result = store.append(batch(seed, n));
        if (armed.get() && mode.equals("halt-after-commit")) {
          Runtime.getRuntime().halt(HALT_STATUS);
        }
        System.out.println("ACK " + n + " " + result.stored());
        System.out.flush();
        if (pruning && n % 3 == 2) {
          prune(store, n - 1);
        }
      }
    }
    System.out.println("DONE");
  }

  /**
   * Mode power-loss-concurrent-at-op: {@link #APPENDERS} threads append at once, thread t the
   * batches n with n % APPENDERS == t, in order ({@link #concurrentBatch}).
   */
  private static void appendConcurrently(AuditStore store, long seed, int first, int last) {
    List<Thread> threads = new ArrayList<>();
    for (int t = 0; t < APPENDERS; t++) {
      int start = first + Math.floorMod(t - first, APPENDERS);
      Thread thread =
          new Thread(
              () -> {
                for (int n = start; n <= last; n += APPENDERS) {
                  try {
                    AppendResult result = store.append(concurrentBatch(seed, n));
                    System.out.println("ACK " + n + " " + result.stored());
                    System.out.flush();
                  } catch (IOException e) {
                    throw new UncheckedIOException(e);
                  }
                }
              });
      thread.start();
      threads.add(thread);
    }
    for (Thread thread : threads) {
      try {
        thread.join();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      }
    }
  }

  /** Threads appending at once in mode power-loss-concurrent-at-op. */
  static final int APPENDERS = 3;

  /** The source whose checkpoint batch n advances in mode power-loss-concurrent-at-op. */
  static String concurrentSource(int n) {
    return SOURCE + "-" + Math.floorMod(n, APPENDERS);
  }

  /** Batch n of mode power-loss-concurrent-at-op: as {@link #batch}, for its thread's source. */
  static Batch concurrentBatch(long seed, int n) {
    return Batch.of(
        batch(seed, n).events(), concurrentSource(n), new SourceCheckpoint(Integer.toString(n)));
  }

  /** Prunes every batch before batch k (batch n's events are received at T0 + n seconds). */
  private static void prune(AuditStore store, int k) throws IOException {
    System.out.println("PRUNE " + k);
    System.out.flush();
    store.prune(TestEvents.T0.plusSeconds(k));
    System.out.println("PRUNED " + k);
    System.out.flush();
  }

  /** Batch n: its events are all new, and it advances the source's checkpoint to n. */
  static Batch batch(long seed, int n) {
    Random random = new Random(seed * 31 + n);
    int size = 1 + random.nextInt(150);
    StringBuilder payload = new StringBuilder();
    for (int i = random.nextInt(4000); i > 0; i--) {
      payload.append((char) ('a' + random.nextInt(26)));
    }
    List<StoredEvent> events = new ArrayList<>(size);
    for (int i = 0; i < size; i++) {
      events.add(
          TestEvents.event("b" + n + "-e" + i)
              .at(n)
              .verb("update")
              .code(200)
              .extraField(payload.toString())
              .build());
    }
    return Batch.of(events, SOURCE, new SourceCheckpoint(Integer.toString(n)));
  }

  private static void halt() {
    System.err.flush();
    Runtime.getRuntime().halt(HALT_STATUS);
  }

  /**
   * Where mode power-loss-at-op journals, one line per completed operation: {@code create NAME},
   * {@code sync NAME LENGTH} (the file's bytes up to LENGTH are durable), {@code rename FROM TO},
   * {@code dirsync} (every name so far is durable), {@code truncate NAME LENGTH} (durable) and
   * {@code delete NAME}.
   */
  static Path journal(Path dir) {
    return dir.resolveSibling(dir.getFileName() + ".journal");
  }

  /** Counts the file operations of the index and of the block files, in mode halt-at-op. */
  private static final class OpCounter {
    private final long haltAtOp;
    private final PrintStream journal;
    private long ops;

    OpCounter(long haltAtOp, Path journal) {
      this.haltAtOp = haltAtOp;
      try {
        this.journal =
            journal == null
                ? null
                : new PrintStream(
                    Files.newOutputStream(
                        journal, StandardOpenOption.CREATE, StandardOpenOption.APPEND),
                    true,
                    StandardCharsets.UTF_8);
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }

    /** Records a completed operation (written through at once: a halt loses none). */
    synchronized void journal(String line) {
      if (journal != null) {
        journal.println(line);
      }
    }

    /** Counts a file operation; true when it is the one to halt at. */
    synchronized boolean atHaltingOp(String what) {
      if (haltAtOp < 0 || ops++ != haltAtOp) {
        return false;
      }
      System.err.println("halting at file operation " + haltAtOp + ": " + what);
      return true;
    }
  }

  /** Halts at the armed point of the block files' operations. */
  private static final class HaltingBlocks implements BlockFiles.Operations {
    private final String mode;
    private final AtomicBoolean armed;
    private final AtomicLong bytesLeft;
    private final OpCounter counter;

    HaltingBlocks(String mode, AtomicBoolean armed, AtomicLong bytesLeft, OpCounter counter) {
      this.mode = mode;
      this.armed = armed;
      this.bytesLeft = bytesLeft;
      this.counter = counter;
    }

    @Override
    public void before(BlockFiles.Op op, Path file, long at, ByteBuffer data) throws IOException {
      boolean atOp = counter.atHaltingOp(op + " " + file.getFileName());
      boolean armedHere = armed.get() && !mode.endsWith("-at-op");
      boolean write = op == BlockFiles.Op.WRITE;
      if (atOp && write) {
        tornWrite(file, at, data, bytesLeft.get());
      }
      if (atOp) {
        halt();
      }
      String name = file.getFileName().toString();
      switch (op) {
        case CREATE -> counter.journal("create " + name);
        // The hook runs before the sync, which then makes everything written so far durable; a
        // new file's sync is followed by its directory's.
        case SYNC -> {
          counter.journal("sync " + name + " " + Files.size(file));
          if (at == 0) {
            counter.journal("dirsync");
          }
        }
        case TRUNCATE -> counter.journal("truncate " + name + " " + at);
        case DELETE -> counter.journal("delete " + name);
        default -> {}
      }
      if (!armedHere || !write) {
        return;
      }
      // A batch is committed once its batch record, which ends it, is complete in the file.
      boolean record = data.remaining() >= 4 && data.getInt(data.position()) == RECORD_MAGIC;
      if (mode.equals("halt-before-commit") && record) {
        halt();
      }
      if (mode.equals("halt-mid-write")) {
        if (record || data.remaining() > bytesLeft.get()) {
          tornWrite(file, at, data, Math.min(bytesLeft.get(), data.remaining() - 1L));
        }
        bytesLeft.addAndGet(-data.remaining());
      }
    }

    /** Writes only the first bytes, then halts: a write cut short. */
    private static void tornWrite(Path file, long at, ByteBuffer data, long bytes)
        throws IOException {
      ByteBuffer part = data.duplicate();
      part.limit(part.position() + (int) Math.max(0, Math.min(bytes, data.remaining())));
      try (FileChannel c = FileChannel.open(file, StandardOpenOption.WRITE)) {
        c.write(part, at);
      }
      halt();
    }
  }

  /** Halts the process at the armed point. */
  private static final class HaltingDirectory extends FilterDirectory {
    private final String mode;
    private final AtomicBoolean armed;
    private final AtomicLong bytesLeft;
    private final OpCounter counter;

    HaltingDirectory(
        Directory in, String mode, AtomicBoolean armed, AtomicLong bytesLeft, OpCounter counter) {
      super(in);
      this.mode = mode;
      this.armed = armed;
      this.bytesLeft = bytesLeft;
      this.counter = counter;
    }

    private boolean atHaltingOp(String what) {
      return counter.atHaltingOp(what);
    }

    @Override
    public void rename(String source, String dest) throws IOException {
      // Renaming pending_segments_N to segments_N is the instant the store's creation is visible.
      if (armed.get() && mode.equals("halt-creating")) {
        halt();
      }
      if (atHaltingOp("rename " + source + " to " + dest)) {
        halt();
      }
      super.rename(source, dest);
      counter.journal("rename " + source + " " + dest);
    }

    @Override
    public void sync(Collection<String> names) throws IOException {
      if (atHaltingOp("sync " + names)) {
        halt();
      }
      super.sync(names);
      for (String name : names) {
        counter.journal("sync " + name + " " + fileLength(name));
      }
    }

    @Override
    public void deleteFile(String name) throws IOException {
      if (atHaltingOp("delete " + name)) {
        halt();
      }
      super.deleteFile(name);
      counter.journal("delete " + name);
    }

    @Override
    public void syncMetaData() throws IOException {
      if (atHaltingOp("sync the directory")) {
        halt();
      }
      super.syncMetaData();
      counter.journal("dirsync");
    }

    @Override
    public IndexOutput createOutput(String name, IOContext context) throws IOException {
      IndexOutput out = super.createOutput(name, context);
      counter.journal("create " + name);
      if (atHaltingOp("create " + name + ", halting " + bytesLeft.get() + " bytes into it")) {
        // Halts that many bytes in, or when the file is closed shorter than that.
        return new HaltingOutput(out, true);
      }
      return out;
    }

    private final class HaltingOutput extends IndexOutput {
      private final IndexOutput out;
      private final boolean haltAtClose;

      HaltingOutput(IndexOutput out, boolean haltAtClose) {
        super("halting(" + out + ")", out.getName());
        this.out = out;
        this.haltAtClose = haltAtClose;
      }

      private void count(int n) {
        if (armed.get() && bytesLeft.addAndGet(-n) < 0) {
          halt();
        }
      }

      @Override
      public void writeByte(byte b) throws IOException {
        count(1);
        out.writeByte(b);
      }

      @Override
      public void writeBytes(byte[] b, int offset, int length) throws IOException {
        count(length);
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
        if (haltAtClose) {
          halt();
        }
        out.close();
      }
    }
  }
}
