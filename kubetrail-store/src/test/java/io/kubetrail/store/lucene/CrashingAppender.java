package io.kubetrail.store.lucene;

import io.kubetrail.store.AppendResult;
import io.kubetrail.store.AuditStore;
import io.kubetrail.store.Batch;
import io.kubetrail.store.SourceCheckpoint;
import io.kubetrail.store.StoreOptions;
import io.kubetrail.store.StoredEvent;
import io.kubetrail.store.TestEvents;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
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
 * happens during the last batch. Mode {@code halt-creating} halts while the store is created, just
 * before its first commit becomes visible.
 */
public final class CrashingAppender {
  static final int HALT_STATUS = 137;
  static final String SOURCE = "src";

  private CrashingAppender() {}

  public static void main(String[] args) throws IOException {
    Path dir = Path.of(args[0]);
    long seed = Long.parseLong(args[1]);
    int first = Integer.parseInt(args[2]);
    int last = Integer.parseInt(args[3]);
    String mode = args[4];
    long haltAfterBytes = args.length > 5 ? Long.parseLong(args[5]) : 0;

    AtomicBoolean armed = new AtomicBoolean(mode.equals("halt-creating"));
    AtomicLong bytes = new AtomicLong(haltAfterBytes);
    try (AuditStore store =
        LuceneStore.open(
            dir,
            StoreOptions.builder().ramBufferMb(2).build(),
            d -> new HaltingDirectory(d, mode, armed, bytes),
            c -> {})) {
      for (int n = first; n <= last; n++) {
        armed.set(n == last && !mode.equals("run"));
        AppendResult result = store.append(batch(seed, n));
        if (armed.get() && mode.equals("halt-after-commit")) {
          Runtime.getRuntime().halt(HALT_STATUS);
        }
        System.out.println("ACK " + n + " " + result.stored());
        System.out.flush();
      }
    }
    System.out.println("DONE");
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

  /** Halts the process at the armed point. */
  private static final class HaltingDirectory extends FilterDirectory {
    private final String mode;
    private final AtomicBoolean armed;
    private final AtomicLong bytesLeft;

    HaltingDirectory(Directory in, String mode, AtomicBoolean armed, AtomicLong bytesLeft) {
      super(in);
      this.mode = mode;
      this.armed = armed;
      this.bytesLeft = bytesLeft;
    }

    @Override
    public void rename(String source, String dest) throws IOException {
      // Renaming pending_segments_N to segments_N is the instant a commit becomes visible.
      if (armed.get() && (mode.equals("halt-before-commit") || mode.equals("halt-creating"))) {
        Runtime.getRuntime().halt(HALT_STATUS);
      }
      super.rename(source, dest);
    }

    @Override
    public IndexOutput createOutput(String name, IOContext context) throws IOException {
      IndexOutput out = super.createOutput(name, context);
      return mode.equals("halt-mid-write") ? new HaltingOutput(out) : out;
    }

    private final class HaltingOutput extends IndexOutput {
      private final IndexOutput out;

      HaltingOutput(IndexOutput out) {
        super("halting(" + out + ")", out.getName());
        this.out = out;
      }

      private void count(int n) {
        if (armed.get() && bytesLeft.addAndGet(-n) < 0) {
          Runtime.getRuntime().halt(HALT_STATUS);
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
        out.close();
      }
    }
  }
}
