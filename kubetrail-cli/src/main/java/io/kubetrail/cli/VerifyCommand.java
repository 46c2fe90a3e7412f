package io.kubetrail.cli;

import io.kubetrail.store.AuditStore;
import io.kubetrail.store.VerifyResult;
import java.io.IOException;
import java.io.PrintWriter;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** {@code kubetrail verify}: checks the store's hash chain. */
@Command(
    name = "verify",
    mixinStandardHelpOptions = true,
    description = {
      "Prove no stored event was changed, removed or moved.",
      "Checks every stored batch: finds events changed, removed, added or moved, and batches"
          + " removed other than by prune; and checks that the index holds for each event what"
          + " its stored content says, so that searches can neither hide nor invent it.",
      "Prints the head of the chain; keep it somewhere else to detect a store rewritten whole.",
      "Exit status: 0 when the store is intact, 1 when it is not (the first broken batch or the damaged file is"
          + " named), 2 on usage errors."
    })
final class VerifyCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Mixin StoreOptionsMixin store;

  @Override
  public Integer call() {
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    ProgressDisplay display = new ProgressDisplay(err, System.console() != null, System::nanoTime);
    VerifyResult result;
    List<String> notes;
    try (AuditStore audit = store.openReadOnly()) {
      result = audit.verify((batches, total, events) -> show(display, batches, total, events));
      notes = audit.notes();
    } catch (IOException e) {
      throw new UsageException(e.getMessage(), e);
    } finally {
      display.finish();
    }
    display.took(result.eventsChecked(), "events");
    if (result.ok()) {
      out.println(store.location + ": " + result);
      notes.forEach(n -> out.println("note: " + n));
      return ExitCodes.OK;
    }
    err.println(store.location + ": " + result);
    notes.forEach(n -> err.println("note: " + n));
    return ExitCodes.REJECTED;
  }

  private static void show(ProgressDisplay display, long batches, long total, long events) {
    if (!display.due()) {
      return;
    }
    int percent = total > 0 ? (int) (100 * batches / total) : 100;
    long perSecond = (long) (events / display.seconds());
    display.show(
        percent,
        String.format(
            Locale.ROOT,
            "%,d of %,d batches  %,d events  %,d/s",
            batches,
            total,
            events,
            perSecond),
        String.format(
            Locale.ROOT,
            "%d%% done: %,d of %,d batches, %,d events (%,d/s)",
            percent,
            batches,
            total,
            events,
            perSecond));
  }
}
