package io.kubetrail.store.lucene;

import java.io.EOFException;
import java.io.FileNotFoundException;
import java.io.IOException;
import java.nio.file.NoSuchFileException;
import java.util.Collection;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import org.apache.lucene.codecs.CodecUtil;
import org.apache.lucene.document.LongPoint;
import org.apache.lucene.index.CorruptIndexException;
import org.apache.lucene.index.DirectoryReader;
import org.apache.lucene.index.IndexFormatTooNewException;
import org.apache.lucene.index.IndexFormatTooOldException;
import org.apache.lucene.index.LeafReaderContext;
import org.apache.lucene.index.PointValues;
import org.apache.lucene.index.SegmentCommitInfo;
import org.apache.lucene.index.SegmentInfos;
import org.apache.lucene.index.SegmentReader;
import org.apache.lucene.store.Directory;
import org.apache.lucene.store.IOContext;
import org.apache.lucene.store.IndexInput;

/**
 * Finds damaged files by checking each file of a commit against the checksum in its footer. Lucene
 * checks little more than a file's header and footer when it opens it, so a byte flipped inside
 * stored fields or a compound file goes unnoticed until it is decompressed, where it fails in
 * arbitrary ways (an index out of bounds, garbage); this names the file instead.
 */
final class StoreFiles {
  /** What to do about a damaged store. */
  static final String WHAT_TO_DO =
      "restore the store directory from a backup, then ingest again what came after the backup"
          + " (ingesting is idempotent)";

  private static final String MISSING = "is missing";

  private StoreFiles() {}

  /**
   * A damaged file.
   *
   * @param file the file's name in the store directory
   * @param problem what is wrong with it
   * @param holds what the file holds, as a phrase ("segment _3, batches 12 to 17"); may be empty
   */
  record Damage(String file, String problem, String holds) {
    /** The whole message: the file, what it holds, and what to do. */
    String describe() {
      return "the store is damaged: file "
          + file
          + (holds.isEmpty() ? "" : " (" + holds + ")")
          + " "
          + problem
          + "; "
          + WHAT_TO_DO;
    }
  }

  /**
   * Checks every file of the commit {@code reader} reads; the first damaged, if any. The segments'
   * files are checked through the reader's own open files: a writer in another process may delete
   * them meanwhile (a merge), which must not pass for damage.
   */
  static Optional<Damage> check(Directory directory, DirectoryReader reader) throws IOException {
    for (LeafReaderContext leaf : reader.leaves()) {
      if (leaf.reader() instanceof SegmentReader segment) {
        try {
          segment.checkIntegrity();
        } catch (CorruptIndexException | EOFException e) {
          return Optional.of(
              new Damage(
                  fileIn(e, segment),
                  "does not match its checksum (" + brief(e) + ")",
                  describe(segment)));
        }
      }
    }
    // The commit point itself, by name; it is gone only when a newer commit replaced it.
    String segmentsFile = reader.getIndexCommit().getSegmentsFileName();
    Optional<String> problem = problem(directory, segmentsFile);
    if (problem.isPresent() && !problem.get().equals(MISSING)) {
      return Optional.of(
          new Damage(
              segmentsFile, problem.get(), "the list of the store's files and its chain head"));
    }
    return Optional.empty();
  }

  /** The segment's file that an exception names, else a phrase for all of them. */
  private static String fileIn(Exception e, SegmentReader segment) throws IOException {
    String message = String.valueOf(e.getMessage());
    String found = "";
    for (String file : segment.getSegmentInfo().files()) {
      if (message.contains(file) && file.length() > found.length()) {
        found = file;
      }
    }
    return found.isEmpty() ? "of segment " + segment.getSegmentName() : found;
  }

  /**
   * Checks every file of the directory's latest commit, for when the store cannot even be opened.
   */
  static Optional<Damage> checkLatest(Directory directory) throws IOException {
    String segmentsFile = SegmentInfos.getLastCommitSegmentsFileName(directory);
    if (segmentsFile == null) {
      return Optional.empty();
    }
    SegmentInfos infos;
    try {
      infos = SegmentInfos.readCommit(directory, segmentsFile);
    } catch (CorruptIndexException
        | EOFException
        | IndexFormatTooOldException
        | IndexFormatTooNewException e) {
      // Reading the commit reads each segment's .si file too: name the one that is damaged.
      Map<String, String> holds = new HashMap<>();
      holds.put(segmentsFile, "the list of the store's files and its chain head");
      Set<String> candidates = new TreeSet<>();
      candidates.add(segmentsFile);
      for (String file : directory.listAll()) {
        if (file.endsWith(".si")) {
          candidates.add(file);
        }
      }
      return Optional.of(
          check(directory, candidates, holds)
              .orElse(
                  new Damage(
                      segmentsFile, "cannot be read (" + brief(e) + ")", holds.get(segmentsFile))));
    }
    Map<String, String> holds = new HashMap<>();
    for (SegmentCommitInfo info : infos) {
      for (String file : info.files()) {
        holds.put(file, "segment " + info.info.name);
      }
    }
    return check(directory, infos.files(true), holds);
  }

  private static Optional<Damage> check(
      Directory directory, Collection<String> files, Map<String, String> holds) throws IOException {
    for (String file : new TreeSet<>(files)) {
      Optional<String> problem = problem(directory, file);
      if (problem.isPresent()) {
        return Optional.of(new Damage(file, problem.get(), holds.getOrDefault(file, "")));
      }
    }
    return Optional.empty();
  }

  /** What is wrong with a file, or empty when its checksum matches. */
  private static Optional<String> problem(Directory directory, String file) throws IOException {
    try (IndexInput in = directory.openInput(file, IOContext.READONCE)) {
      CodecUtil.checksumEntireFile(in);
      return Optional.empty();
    } catch (NoSuchFileException | FileNotFoundException e) {
      return Optional.of(MISSING);
    } catch (CorruptIndexException | EOFException e) {
      return Optional.of("does not match its checksum (" + brief(e) + ")");
    }
  }

  /** The segment's name and the batches its documents belong to, when they can be read. */
  private static String describe(SegmentReader segment) {
    String name = "segment " + segment.getSegmentName();
    try {
      // The bounds come from the points' metadata, checked in full when the segment was opened.
      PointValues batches = segment.getPointValues(Fields.BATCH);
      if (batches == null) {
        return name;
      }
      long first = LongPoint.decodeDimension(batches.getMinPackedValue(), 0);
      long last = LongPoint.decodeDimension(batches.getMaxPackedValue(), 0);
      return name
          + ", holding "
          + (first == last ? "batch " + first : "batches " + first + " to " + last);
    } catch (IOException | RuntimeException e) {
      return name;
    }
  }

  /** Lucene's message without the resource description, which repeats the file's full path. */
  private static String brief(Exception e) {
    String message = String.valueOf(e.getMessage());
    int resource = message.indexOf(" (resource=");
    return (resource < 0 ? message : message.substring(0, resource)).trim();
  }
}
