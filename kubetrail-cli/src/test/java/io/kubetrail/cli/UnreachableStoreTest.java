package io.kubetrail.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every command given a cluster that cannot be reached says so in one line naming its URL, and
 * exits 3, which scripts can tell from a usage error.
 */
class UnreachableStoreTest {
  @TempDir Path dir;

  @Test
  void everyCommandSaysInOneLineThatTheClusterCannotBeReached() throws IOException {
    String url = "http://127.0.0.1:" + closedPort();
    Path log = Files.writeString(dir.resolve("audit.log"), "{}\n");
    List<List<String>> commands =
        List.of(
            List.of("ingest", "--store", url, log.toString()),
            List.of("search", "--store", url),
            List.of("verify", "--store", url),
            List.of("history", "--store", url, "pods/default/web"),
            List.of("prune", "--store", url, "--older-than", "91d"));
    for (List<String> command : commands) {
      CliRunner.Result r = CliRunner.run(command.toArray(String[]::new));
      assertThat(r.exitCode()).as(r.toString()).isEqualTo(ExitCodes.UNAVAILABLE);
      assertThat(r.stderr().strip().lines())
          .as(r.toString())
          .singleElement(org.assertj.core.api.InstanceOfAssertFactories.STRING)
          .startsWith("error: " + url + ": cannot reach the cluster: connection refused");
    }
  }

  private static int closedPort() throws IOException {
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return s.getLocalPort();
    }
  }
}
