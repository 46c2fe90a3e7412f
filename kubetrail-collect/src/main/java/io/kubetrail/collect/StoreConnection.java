package io.kubetrail.collect;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.kubetrail.store.AppendResult;
import io.kubetrail.store.AuditStore;
import io.kubetrail.store.Batch;
import io.kubetrail.store.SourceCheckpoint;
import io.kubetrail.store.StoreUnavailableException;
import java.io.Closeable;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeMap;
import java.util.function.Consumer;

/**
 * A {@link Sink} onto a store that may not be reachable when the collector starts (an OpenSearch
 * cluster that is down): the collector starts all the same and keeps what it reads in its buffer,
 * and the store is opened at the first append that finds it reachable.
 *
 * <p>The sources need the positions the store committed before they read. While the store cannot be
 * reached they start from a local copy of them, kept in {@code positionsFile} after every append;
 * the copy may be behind the store (a crash right after an append), never ahead, so a source at
 * worst reads again events the store has, which it keeps once.
 */
public final class StoreConnection implements Sink, Closeable {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final TypeReference<TreeMap<String, String>> POSITIONS = new TypeReference<>() {};

  /** Opens the store; {@link StoreUnavailableException} when it cannot be reached for now. */
  @FunctionalInterface
  public interface Opener {
    AuditStore open() throws IOException;
  }

  private final Opener opener;
  private final Optional<Path> positionsFile;
  private final Map<String, SourceCheckpoint> positions = new LinkedHashMap<>();
  private final List<Consumer<AuditStore>> onOpen = new ArrayList<>();
  private volatile AuditStore store;
  private volatile Optional<StoreUnavailableException> unreachable = Optional.empty();
  private boolean closed;

  /** Appends in progress, outside the lock. */
  private int appending;

  private StoreConnection(Opener opener, Optional<Path> positionsFile) {
    this.opener = opener;
    this.positionsFile = positionsFile;
  }

  /**
   * Opens the store now if it can be reached, else later.
   *
   * @param positionsFile where the local copy of the store's positions is kept; none to keep no
   *     copy (a store that is always reachable, in a local directory)
   * @throws IOException when opening fails for another reason than an unreachable store (the store
   *     is locked, damaged, refuses our credentials): the collector cannot start
   */
  public static StoreConnection open(Opener opener, Optional<Path> positionsFile)
      throws IOException {
    StoreConnection c =
        new StoreConnection(
            Objects.requireNonNull(opener, "opener"),
            Objects.requireNonNull(positionsFile, "positionsFile"));
    try {
      c.store = opener.open();
    } catch (StoreUnavailableException e) {
      c.unreachable = Optional.of(e);
    }
    return c;
  }

  /** The store, once it has been opened. */
  public Optional<AuditStore> store() {
    return Optional.ofNullable(store);
  }

  /** Why the store has not been opened yet; empty once it has. */
  public Optional<StoreUnavailableException> unreachable() {
    return unreachable;
  }

  /**
   * Runs {@code action} with the store once it is open: now if it is, else in the thread that opens
   * it, before its first append.
   */
  public synchronized void onOpen(Consumer<AuditStore> action) {
    if (store != null) {
      action.accept(store);
    } else {
      onOpen.add(action);
    }
  }

  /** The store's positions, or while it cannot be reached the local copy of them. */
  @Override
  public synchronized Map<String, SourceCheckpoint> checkpoints() throws IOException {
    if (connect().isEmpty()) {
      Map<String, SourceCheckpoint> committed = store.checkpoints();
      positions.clear();
      positions.putAll(committed);
      savePositions();
      return committed;
    }
    return readPositions();
  }

  /**
   * Appends to the store, opening it first if it is not open yet. Appends of several threads run at
   * once (the store takes them in turns); the caller keeps batches with positions of one source in
   * order, as the pipeline does.
   *
   * @throws StoreUnavailableException while it cannot be reached
   */
  @Override
  public AppendResult append(Batch batch) throws IOException {
    AuditStore open;
    synchronized (this) {
      Optional<StoreUnavailableException> notYet = connect();
      if (notYet.isPresent()) {
        throw notYet.get();
      }
      open = store;
      appending++;
    }
    try {
      AppendResult result = open.append(batch);
      if (!batch.checkpoints().isEmpty()) {
        synchronized (this) {
          positions.putAll(batch.checkpoints());
          savePositions();
        }
      }
      return result;
    } finally {
      synchronized (this) {
        appending--;
        notifyAll();
      }
    }
  }

  /** Opens the store unless it is open; why it cannot be, if it cannot. */
  private Optional<StoreUnavailableException> connect() throws IOException {
    if (closed) {
      throw new IllegalStateException("the store connection is closed");
    }
    if (store == null) {
      try {
        store = opener.open();
      } catch (StoreUnavailableException e) {
        unreachable = Optional.of(e);
        return unreachable;
      }
      unreachable = Optional.empty();
      List<Consumer<AuditStore>> actions = List.copyOf(onOpen);
      onOpen.clear(); // once, even when one of them fails
      actions.forEach(a -> a.accept(store));
    }
    return Optional.empty();
  }

  private Map<String, SourceCheckpoint> readPositions() throws IOException {
    if (positionsFile.isEmpty()) {
      return Map.of();
    }
    Map<String, SourceCheckpoint> read = new LinkedHashMap<>();
    try {
      JSON.readValue(positionsFile.get().toFile(), POSITIONS)
          .forEach((source, position) -> read.put(source, new SourceCheckpoint(position)));
    } catch (NoSuchFileException | java.io.FileNotFoundException e) {
      return Map.of();
    }
    positions.putAll(read);
    return Map.copyOf(read);
  }

  /**
   * Replaces the local copy whole (a rename), not synced: a copy left behind by a crash or a failed
   * write only makes a source read again what the store has.
   */
  private void savePositions() {
    if (positionsFile.isEmpty()) {
      return;
    }
    try {
      writePositions(positionsFile.get().toAbsolutePath());
    } catch (IOException e) {
      // The next append writes it again.
    }
  }

  private void writePositions(Path file) throws IOException {
    Files.createDirectories(file.getParent());
    Map<String, String> plain = new TreeMap<>();
    positions.forEach((source, c) -> plain.put(source, c.position()));
    Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
    Files.write(tmp, JSON.writerWithDefaultPrettyPrinter().writeValueAsBytes(plain));
    Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
  }

  /** Waits for the appends in progress to end, then closes the store. */
  @Override
  public synchronized void close() throws IOException {
    if (!closed) {
      closed = true;
      boolean interrupted = false;
      while (appending > 0) {
        try {
          wait();
        } catch (InterruptedException e) {
          interrupted = true;
        }
      }
      if (interrupted) {
        Thread.currentThread().interrupt();
      }
      if (store != null) {
        store.close();
      }
    }
  }

  @Override
  public synchronized String toString() {
    return store != null ? store.toString() : "a store not reached yet";
  }
}
