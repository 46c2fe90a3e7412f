package io.kubetrail.store.lucene;

import io.kubetrail.store.StoredEvent;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.apache.lucene.index.IndexReader;
import org.apache.lucene.index.LeafReaderContext;
import org.apache.lucene.index.NumericDocValues;
import org.apache.lucene.index.ReaderUtil;
import org.apache.lucene.search.ScoreDoc;
import org.apache.lucene.util.IntroSorter;

/** Reads stored events back: each document's position, then its block from the block files. */
final class StoredEvents {
  private static final EventCache NO_CACHE = new EventCache(0);

  private StoredEvents() {}

  /**
   * The events of these hits, in the hits' order.
   *
   * @param shared whether to go through (and fill) the {@link EventCache} of search pages: not for
   *     scans, which read each event once and would only push out what pages share
   */
  static List<StoredEvent> load(
      IndexReader reader, BlockFiles blocks, ScoreDoc[] hits, boolean shared) throws IOException {
    return load(reader, new Cursor(blocks), hits, shared);
  }

  /**
   * The same, reading through {@code cursor}: a scan keeps one for all its pages, so that the block
   * one page ends in is not read and decompressed again for the next.
   */
  static List<StoredEvent> load(IndexReader reader, Cursor cursor, ScoreDoc[] hits, boolean shared)
      throws IOException {
    BlockFiles blocks = cursor.blocks;
    long[] positions = positions(reader, hits);
    // Events other pages read are shared; the rest are read from their blocks in file order,
    // each block once however many of its events are wanted.
    EventCache cache = shared ? blocks.cache() : NO_CACHE;
    StoredEvent[] events = new StoredEvent[hits.length];
    int[] byPosition = byPosition(positions);
    // In position order, the events of one block follow each other: it is looked up once.
    long heldStart = -1;
    EventCache.Block held = null;
    for (int i : byPosition) {
      long start = EventCache.start(positions[i]);
      if (start != heldStart) {
        held = cache.block(start);
        heldStart = start;
      }
      StoredEvent e = held == null ? null : held.event(BlockFiles.slot(positions[i]));
      if (e == null) {
        e = cursor.event(positions[i]);
        cache.put(positions[i], e);
        heldStart = -1;
      }
      events[i] = e;
    }
    return new ArrayList<>(Arrays.asList(events));
  }

  /**
   * The hits' positions in the block files, in the hits' order. A method of its own, too large to
   * be inlined: each segment's doc values may be of another class, and a class the compiled code
   * has not met sends only this small method back to be compiled again, not the one reading blocks.
   */
  private static long[] positions(IndexReader reader, ScoreDoc[] hits) throws IOException {
    // Doc values are read forward, so in document order: each hit's doc above its index, sorted
    // as plain longs (a page sorts twice, and boxed indexes with comparators cost more than that).
    long[] byDoc = new long[hits.length];
    for (int i = 0; i < hits.length; i++) {
      byDoc[i] = ((long) hits[i].doc << 32) | i;
    }
    Arrays.sort(byDoc);
    long[] positions = new long[hits.length];
    List<LeafReaderContext> leaves = reader.leaves();
    LeafReaderContext leaf = null;
    NumericDocValues values = null;
    for (long docAndIndex : byDoc) {
      int doc = (int) (docAndIndex >>> 32);
      if (leaf == null || doc >= leaf.docBase + leaf.reader().maxDoc()) {
        leaf = leaves.get(ReaderUtil.subIndex(doc, leaves));
        values = leaf.reader().getNumericDocValues(Fields.POSITION);
      }
      if (values == null || !values.advanceExact(doc - leaf.docBase)) {
        throw new IOException("document " + doc + " is not a stored event (no position)");
      }
      positions[(int) docAndIndex] = values.longValue();
    }
    return positions;
  }

  /** The indexes of {@code positions}, in the order of their positions. */
  private static int[] byPosition(long[] positions) {
    int[] order = new int[positions.length];
    for (int i = 0; i < order.length; i++) {
      order[i] = i;
    }
    new IntroSorter() {
      private long pivot;

      @Override
      protected void swap(int i, int j) {
        int t = order[i];
        order[i] = order[j];
        order[j] = t;
      }

      @Override
      protected void setPivot(int i) {
        pivot = positions[order[i]];
      }

      @Override
      protected int comparePivot(int j) {
        return Long.compare(pivot, positions[order[j]]);
      }

      @Override
      protected int compare(int i, int j) {
        return Long.compare(positions[order[i]], positions[order[j]]);
      }
    }.sort(0, order.length);
    return order;
  }

  /** A document's position in the block files. */
  static long position(IndexReader reader, int doc) throws IOException {
    List<LeafReaderContext> leaves = reader.leaves();
    LeafReaderContext leaf = leaves.get(ReaderUtil.subIndex(doc, leaves));
    NumericDocValues positions = leaf.reader().getNumericDocValues(Fields.POSITION);
    if (positions == null || !positions.advanceExact(doc - leaf.docBase)) {
      throw new IOException("document " + doc + " is not a stored event (no position)");
    }
    return positions.longValue();
  }

  /** Reads events one after another, keeping the last block read. Not thread-safe. */
  static final class Cursor {
    private final BlockFiles blocks;
    // Each block is dropped before the next is read into the same arrays: events are copied out.
    private final BlockFiles.Buffers buffers = BlockFiles.Buffers.reused();
    private long blockPosition = -1;
    private EventBlock.Decoded block;

    Cursor(BlockFiles blocks) {
      this.blocks = blocks;
    }

    /** The decoded block that holds the event at {@code position}. */
    EventBlock.Decoded block(long position) throws IOException {
      long start = position & ~0xffL;
      if (block == null || start != blockPosition) {
        block = blocks.read(start, buffers);
        blockPosition = start;
      }
      int slot = BlockFiles.slot(position);
      if (slot >= block.events()) {
        throw new IOException(
            "event position points at slot " + slot + " of a block of " + block.events());
      }
      return block;
    }

    StoredEvent event(long position) throws IOException {
      return block(position).event(BlockFiles.slot(position));
    }
  }
}
