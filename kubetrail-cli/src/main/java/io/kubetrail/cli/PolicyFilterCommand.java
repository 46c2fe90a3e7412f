package io.kubetrail.cli;

import io.kubetrail.event.AuditEvent;
import io.kubetrail.event.AuditEventReader;
import io.kubetrail.event.DecodeLimits;
import io.kubetrail.event.DecodeResult;
import io.kubetrail.event.Level;
import io.kubetrail.policy.Decision;
import io.kubetrail.policy.LoadedPolicy;
import io.kubetrail.policy.PolicyEvaluator;
import io.kubetrail.policy.PolicyRule;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code kubetrail policy filter}: rewrites audit events as kube-apiserver would have written them
 * under a policy. Events go to standard output as JSON Lines, byte for byte as UTF-8; the summary
 * goes to standard error.
 */
@Command(
    name = "filter",
    mixinStandardHelpOptions = true,
    versionProvider = VersionProvider.class,
    description = {
      "Apply an audit policy to audit events, as kube-apiserver would.",
      "Keeps, stamps and strips each event as kube-apiserver would have written it under that"
          + " policy."
    },
    footer = {
      "",
      "Reads the files (JSON Lines, Event or EventList documents, gzip), or standard input when"
          + " none is given or for '-'. Writes the kept events to standard output as JSON Lines,"
          + " in input order, and a summary to standard error.",
      "",
      "Exit status: 0 when every record was read, 1 when some were rejected (reported on"
          + " standard error), 2 for a bad policy or usage.",
    })
final class PolicyFilterCommand implements Callable<Integer> {
  /** Rejections listed one by one in the summary; the rest are counted. */
  static final int REJECTIONS_SHOWN = 10;

  private static final String STDIN = "-";
  private static final String STDIN_NAME = "<stdin>";

  @Spec CommandSpec spec;

  @Option(
      names = "--policy",
      required = true,
      paramLabel = "FILE",
      description = "The audit policy file (audit.k8s.io Policy, YAML or JSON).")
  Path policyFile;

  @Parameters(paramLabel = "FILE", arity = "0..*", description = "Audit log files ('-': stdin).")
  List<String> files = new ArrayList<>();

  @Mixin DecodeOptions decodeOptions;

  @Override
  public Integer call() {
    PrintWriter err = spec.commandLine().getErr();
    Optional<LoadedPolicy> loaded = PolicyFiles.load(policyFile, err);
    if (loaded.isEmpty()) {
      return ExitCodes.USAGE;
    }
    DecodeLimits limits = decodeOptions.limits();
    List<String> sources = files.isEmpty() ? List.of(STDIN) : files;
    for (String source : sources) {
      // Checked up front so that a typo fails before any output; pipes and FIFOs are fine.
      if (!source.equals(STDIN) && !Files.exists(Path.of(source))) {
        throw new UsageException(source + " does not exist");
      }
      if (!source.equals(STDIN) && Files.isDirectory(Path.of(source))) {
        throw new UsageException(source + " is a directory");
      }
    }
    PolicyEvaluator evaluator = PolicyEvaluator.of(loaded.get().policy());
    Summary summary = new Summary(evaluator);
    // Raw bytes: the events are UTF-8 and must not pass through a platform-encoded writer.
    OutputStream out = new BufferedOutputStream(System.out, 1 << 16);
    try {
      for (String source : sources) {
        filter(source, limits, evaluator, out, summary);
      }
      out.flush();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write to standard output", e);
    }
    summary.print(err);
    err.flush();
    return summary.rejected > 0 ? ExitCodes.REJECTED : ExitCodes.OK;
  }

  private static void filter(
      String source,
      DecodeLimits limits,
      PolicyEvaluator evaluator,
      OutputStream out,
      Summary summary)
      throws IOException {
    String name = source.equals(STDIN) ? STDIN_NAME : source;
    AuditEventReader reader;
    try {
      reader =
          source.equals(STDIN)
              ? AuditEventReader.of(System.in, STDIN_NAME, limits)
              : AuditEventReader.open(Path.of(source), limits);
    } catch (IOException e) {
      summary.reject(name + ": cannot read: " + e.getMessage());
      return;
    }
    try (reader) {
      Optional<DecodeResult> next;
      while ((next = reader.read()).isPresent()) {
        if (next.get() instanceof DecodeResult.Decoded decoded) {
          AuditEvent event = decoded.event();
          Decision decision = evaluator.evaluate(event);
          summary.eventIn(decision);
          Optional<AuditEvent> kept = evaluator.apply(event, decision);
          if (kept.isPresent()) {
            kept.get().json().writeTo(out);
            out.write('\n');
            summary.eventOut(kept.get().json().length() + 1);
          } else {
            summary.dropped(decision);
          }
        } else if (next.get() instanceof DecodeResult.Rejected rejected) {
          summary.reject(rejected.toString());
        }
      }
    } catch (IOException e) {
      // A source that fails mid-way loses its tail, not the run; what came before is kept.
      summary.reject(name + ": read failed: " + e.getMessage());
    } finally {
      summary.bytesIn += reader.bytesRead();
    }
  }

  /** Counts for the summary on standard error. */
  private static final class Summary {
    private final PolicyEvaluator evaluator;
    private final long[] ruleHits;
    private long noRuleHits;
    private long eventsIn;
    private long bytesIn;
    private long eventsOut;
    private long bytesOut;
    private long droppedAtNone;
    private long droppedAtStage;
    private long rejected;
    private final List<String> rejections = new ArrayList<>();

    Summary(PolicyEvaluator evaluator) {
      this.evaluator = evaluator;
      this.ruleHits = new long[evaluator.policy().rules().size()];
    }

    void eventIn(Decision decision) {
      eventsIn++;
      if (decision.ruleIndex().isPresent()) {
        ruleHits[decision.ruleIndex().getAsInt()]++;
      } else {
        noRuleHits++;
      }
    }

    void eventOut(long bytes) {
      eventsOut++;
      bytesOut += bytes;
    }

    void dropped(Decision decision) {
      if (decision.level() == Level.None) {
        droppedAtNone++;
      } else {
        droppedAtStage++;
      }
    }

    void reject(String reason) {
      rejected++;
      if (rejections.size() < REJECTIONS_SHOWN) {
        rejections.add(reason);
      }
    }

    void print(PrintWriter err) {
      err.println(
          "events in: "
              + eventsIn
              + " ("
              + bytesIn
              + " bytes read); events out: "
              + eventsOut
              + " ("
              + bytesOut
              + " bytes written)");
      err.println(
          "dropped: "
              + droppedAtNone
              + " at level None, "
              + droppedAtStage
              + " at an omitted stage");
      err.println("hits per rule:");
      List<PolicyRule> rules = evaluator.policy().rules();
      String[] labels = new String[rules.size() + 1];
      int width = 0;
      for (int i = 0; i < rules.size(); i++) {
        labels[i] = "rules[" + i + "] " + rules.get(i).level();
        width = Math.max(width, labels[i].length());
      }
      labels[rules.size()] = "no rule matched (None)";
      width = Math.max(width, labels[rules.size()].length());
      for (int i = 0; i <= rules.size(); i++) {
        long hits = i < rules.size() ? ruleHits[i] : noRuleHits;
        err.println("  " + labels[i] + " ".repeat(width - labels[i].length() + 2) + hits);
      }
      if (rejected > 0) {
        err.println("rejected: " + rejected + (rejected == 1 ? " record" : " records"));
        rejections.forEach(r -> err.println("  " + r));
        if (rejected > rejections.size()) {
          err.println("  ... and " + (rejected - rejections.size()) + " more");
        }
      }
    }
  }
}
