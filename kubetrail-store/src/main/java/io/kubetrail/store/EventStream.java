package io.kubetrail.store;

import java.io.Closeable;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Stored events read one at a time, from a consistent view of the store taken when the stream was
 * opened: appends and prunes made later are not seen. Holds resources until closed; use
 * try-with-resources.
 */
public interface EventStream extends Closeable {

  /** The next event, or empty at the end. */
  Optional<StoredEvent> next() throws IOException;

  /** Reads every remaining event into a list: only for results known to be small. */
  default List<StoredEvent> toList() throws IOException {
    List<StoredEvent> all = new ArrayList<>();
    for (Optional<StoredEvent> e = next(); e.isPresent(); e = next()) {
      all.add(e.get());
    }
    return all;
  }

  @Override
  void close() throws IOException;
}
