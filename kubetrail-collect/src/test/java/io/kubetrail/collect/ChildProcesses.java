package io.kubetrail.collect;

import io.kubetrail.store.AppendResult;
import io.kubetrail.store.AuditStore;
import io.kubetrail.store.EventQuery;
import io.kubetrail.store.StoredEvent;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import java.util.function.Function;

/**
 * Collectors in processes of their own, for the tests that kill them ({@code kill -9}) at random
 * moments: starting one on this test's class path, the {@code COMMIT} lines it prints and reading
 * them back, stopping it once the store holds what was written, its standard error.
 */
public final class ChildProcesses {
  private ChildProcesses() {}

  /**
   * Starts {@code main} in a new JVM with this one's class path, its standard error appended to
   * {@code stderr}.
   */
  public static Process startJava(Class<?> main, Path stderr, List<String> args)
      throws IOException {
    String java =
        ProcessHandle.current()
            .info()
            .command()
            .orElse(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    List<String> command = new ArrayList<>();
    command.add(java);
    command.add("-Xmx256m");
    // A collector that starts sooner is killed more often within the test's time.
    command.add("-XX:TieredStopAtLevel=1");
    command.add("-XX:+UseSerialGC");
    command.add("-cp");
    command.add(System.getProperty("java.class.path"));
    command.add(main.getName());
    command.addAll(args);
    return new ProcessBuilder(command)
        .redirectError(ProcessBuilder.Redirect.appendTo(stderr.toFile()))
        .start();
  }

  /**
   * Reads the child's standard output on a thread of its own, handing each {@code COMMIT ...}
   * line's fields after the word to {@code commit}, until the child ends or is killed.
   */
  public static Thread readCommits(Process child, Consumer<String[]> commit) {
    Thread t =
        new Thread(
            () -> {
              try (BufferedReader in =
                  new BufferedReader(
                      new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8))) {
                for (String line = in.readLine(); line != null; line = in.readLine()) {
                  if (line.startsWith("COMMIT ")) {
                    commit.accept(line.substring("COMMIT ".length()).split(" "));
                  }
                }
              } catch (IOException e) {
                // Killed: what it printed before is counted.
              }
            },
            "kill-test-commits");
    t.start();
    return t;
  }

  /**
   * A listener that prints {@code COMMIT <stored> <duplicates>} for each committed batch, then what
   * {@code more} says of its events (preceded by a space when not empty), and the stack trace of
   * each failed append.
   */
  public static PipelineListener printCommits(
      PrintStream out, Function<List<StoredEvent>, String> more) {
    return new PipelineListener() {
      @Override
      public void committed(
          List<StoredEvent> events,
          AppendResult result,
          List<SourceCommit> sources,
          long appendNanos) {
        String extra = more.apply(events);
        out.println(
            "COMMIT "
                + result.stored()
                + " "
                + result.duplicates()
                + (extra.isEmpty() ? "" : " " + extra));
      }

      @Override
      public void appendFailed(Exception cause) {
        cause.printStackTrace();
      }
    };
  }

  /** Stops the pipeline, on a daemon thread, once the store holds {@code events} events. */
  public static void stopOnceStored(AuditStore store, Pipeline pipeline, long events) {
    Thread watcher =
        new Thread(
            () -> {
              try {
                while (store.count(EventQuery.all()) < events) {
                  Thread.sleep(50);
                }
              } catch (IOException e) {
                e.printStackTrace();
              } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
              }
              pipeline.stop();
            },
            "child-watcher");
    watcher.setDaemon(true);
    watcher.start();
  }

  /** The children's standard error, for assertion messages. */
  public static String stderr(Path file) {
    try {
      return "child stderr: " + (Files.exists(file) ? Files.readString(file) : "(none)");
    } catch (IOException e) {
      return "child stderr unreadable: " + e;
    }
  }
}
