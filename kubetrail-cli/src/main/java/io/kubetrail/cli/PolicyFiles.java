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

  /**
   * A policy that an ingest or a collector applies: valid, with its warnings printed.
   *
   * @param setting the option or field that named the file, for error messages
   * @throws UsageException when the file cannot be read or is not a valid policy
   */
  static LoadedPolicy loadValid(Path file, String setting, PrintWriter err) {
    try {
      LoadedPolicy loaded = PolicyLoader.load(file);
      loaded.warnings().forEach(w -> err.println("warning: " + w));
      return loaded;
    } catch (NoSuchFileException e) {
      throw new UsageException(setting + ": no such file: " + file, e);
    } catch (IOException e) {
      throw new UsageException(setting + ": cannot read " + file + ": " + e.getMessage(), e);
    } catch (PolicyException e) {
      throw new UsageException(
          setting + ": " + file + " is not a valid audit policy:\n" + e.getMessage(), e);
    }
  }
}
