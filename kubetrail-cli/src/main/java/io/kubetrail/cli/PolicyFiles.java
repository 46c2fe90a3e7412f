package io.kubetrail.cli;

import io.kubetrail.policy.LoadedPolicy;
import io.kubetrail.policy.PolicyException;
import io.kubetrail.policy.PolicyLoader;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Optional;

/** Reads the policy file of a {@code policy} command, reporting on standard error. */
final class PolicyFiles {
  private PolicyFiles() {}

  /**
   * The policy, with its warnings printed; empty when kube-apiserver would refuse it, after
   * printing every problem.
   *
   * @throws UsageException when the file cannot be read at all
   */
  static Optional<LoadedPolicy> load(Path file, PrintWriter err) {
    try {
      LoadedPolicy loaded = PolicyLoader.load(file);
      loaded.warnings().forEach(w -> err.println("warning: " + w));
      return Optional.of(loaded);
    } catch (PolicyException e) {
      e.problems().forEach(p -> err.println("error: " + p));
      return Optional.empty();
    } catch (NoSuchFileException e) {
      throw new UsageException("policy file " + file + " does not exist", e);
    } catch (IOException e) {
      throw new UsageException("cannot read policy file " + file + ": " + e.getMessage(), e);
    }
  }
}
