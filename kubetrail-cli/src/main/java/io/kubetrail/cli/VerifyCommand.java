package io.kubetrail.cli;

import io.kubetrail.store.AuditStore;
import io.kubetrail.store.VerifyResult;
import java.io.IOException;
import java.io.PrintWriter;
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
      "Exit status: 0 when the store is intact, 1 when it is not (the first broken batch is"
          + " named), 2 on usage errors."
    })
final class VerifyCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Mixin StoreOptionsMixin store;

  @Override
  public Integer call() {
    PrintWriter out = spec.commandLine().getOut();
    VerifyResult result;
    try (AuditStore audit = store.openReadOnly()) {
      result = audit.verify();
    } catch (IOException e) {
      throw new UsageException(e.getMessage(), e);
    }
    if (result.ok()) {
      out.println(store.directory + ": " + result);
      return ExitCodes.OK;
    }
    spec.commandLine().getErr().println(store.directory + ": " + result);
    return ExitCodes.REJECTED;
  }
}
