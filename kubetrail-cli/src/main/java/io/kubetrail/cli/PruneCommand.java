package io.kubetrail.cli;

import io.kubetrail.store.AuditStore;
import io.kubetrail.store.PruneResult;
import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code kubetrail prune}: removes old events. */
@Command(
    name = "prune",
    mixinStandardHelpOptions = true,
    description = {
      "Remove stored events older than a retention period.",
      "Removes a whole batch at a time: a batch that holds any newer event is kept. The store"
          + " still verifies afterwards.",
      "Calico keeps audit events for 91 days by default: --older-than 91d does the same."
    })
final class PruneCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Mixin StoreOptionsMixin store;

  @Option(
      names = "--older-than",
      paramLabel = "AGE",
      required = true,
      converter = TimeArgument.DurationConverter.class,
      description =
          "Remove events received more than AGE ago (" + TimeArgument.DURATION_FORMS + ").")
  Duration olderThan;

  /** The clock the age is measured against; tests replace it. */
  Clock clock = Clock.systemUTC();

  @Override
  public Integer call() {
    Instant cutoff = clock.instant().minus(olderThan);
    PruneResult result;
    try (AuditStore audit = store.openExistingForWriting()) {
      result = audit.prune(cutoff);
    } catch (IOException e) {
      throw new UsageException(e.getMessage(), e);
    }
    spec.commandLine()
        .getOut()
        .printf(
            Locale.ROOT,
            "%s: removed %,d events in %,d batches received before %s%n",
            store.location,
            result.events(),
            result.batches(),
            cutoff);
    return ExitCodes.OK;
  }
}
