package io.kubetrail.cli;

import io.kubetrail.report.runs.EmbeddedReportRuns;
import io.kubetrail.report.runs.ReportRuns;
import io.kubetrail.store.AuditStore;
import io.kubetrail.store.StoreCorruptException;
import io.kubetrail.store.StoreException;
import io.kubetrail.store.StoreOptions;
import io.kubetrail.store.lucene.LuceneAuditStore;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import picocli.CommandLine.Option;

/** The {@code --store} option of every command that uses the store, and opening the store. */
final class StoreOptionsMixin {
  static final String ENVIRONMENT = "KUBETRAIL_STORE";
  static final String DEFAULT_DIRECTORY = "kubetrail-data";

  @Option(
      names = "--store",
      paramLabel = "DIR",
      defaultValue = "${env:" + ENVIRONMENT + ":-" + DEFAULT_DIRECTORY + "}",
      description =
          "The store directory (default: $"
              + ENVIRONMENT
              + " when set, else ./"
              + DEFAULT_DIRECTORY
              + ").")
  Path directory;

  private static final String MISSING_HINT =
      " (ingest into it first, or point --store or $" + ENVIRONMENT + " at a store)";

  /** The runs of scheduled reports kept in the store. */
  ReportRuns reportRuns() {
    if (!Files.isDirectory(directory)) {
      throw new UsageException(
          directory + ": no store here: the directory does not exist" + MISSING_HINT);
    }
    return EmbeddedReportRuns.in(directory);
  }

  /** Opens the store to append to it, creating it when there is none. */
  AuditStore openForWriting() {
    return open(StoreOptions.defaults(), "");
  }

  /** Opens an existing store to read it; other processes may be appending meanwhile. */
  AuditStore openReadOnly() {
    return open(StoreOptions.builder().readOnly(true).build(), MISSING_HINT);
  }

  /** Opens an existing store to change it, without creating one. */
  AuditStore openExistingForWriting() {
    if (!Files.isDirectory(directory)) {
      throw new UsageException(
          directory + ": no store here: the directory does not exist" + MISSING_HINT);
    }
    return openForWriting();
  }

  private AuditStore open(StoreOptions options, String hint) {
    try {
      return LuceneAuditStore.open(directory, options);
    } catch (StoreCorruptException e) {
      // Reported as damage (not a usage error) by Main, from the cause.
      throw new UsageException(e.getMessage(), e);
    } catch (StoreException e) {
      throw new UsageException(e.getMessage() + hint, e);
    } catch (IOException e) {
      throw new UsageException(directory + ": cannot open the store: " + e, e);
    }
  }
}
