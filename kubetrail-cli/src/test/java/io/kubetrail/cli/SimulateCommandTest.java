package io.kubetrail.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.kubetrail.simulate.Simulation;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import picocli.CommandLine;

class SimulateCommandTest {
  private static final ObjectMapper MAPPER = new ObjectMapper();

  @TempDir Path dir;

  private record Result(int exitCode, String out, String err) {
    List<String> lines() {
      return out.lines().toList();
    }
  }

  /** Runs {@code kubetrail ARGS} in this JVM, capturing both streams. */
  private static Result run(String... args) {
    CommandLine cl = Main.commandLine();
    StringWriter err = new StringWriter();
    cl.setErr(new PrintWriter(err, true));
    cl.setOut(new PrintWriter(new StringWriter(), true));
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    SimulateCommand simulate = cl.getSubcommands().get("simulate").getCommand();
    simulate.stdout = out;
    int code = cl.execute(args);
    return new Result(code, out.toString(StandardCharsets.UTF_8), err.toString());
  }

  private static List<String> library(long seed, int steps) {
    Simulation sim = Simulation.builder().seed(seed).build();
    List<String> lines = new ArrayList<>();
    for (int i = 0; i < steps; i++) {
      lines.addAll(sim.step().lines());
    }
    return lines;
  }

  @Test
  void writesTheSimulationsEventsAsJsonLines() {
    Result r = run("simulate", "--steps", "400", "--seed", "9");
    assertThat(r.exitCode()).isEqualTo(ExitCodes.OK);
    assertThat(r.out()).endsWith("\n");
    assertThat(r.lines()).isEqualTo(library(9, 400));
    long bytes = r.out().getBytes(StandardCharsets.UTF_8).length;
    assertThat(r.err())
        .startsWith("simulated 400 steps: " + r.lines().size() + " events, " + bytes + " bytes, ")
        .contains("live objects; cluster time 2026-01-01T");
  }

  @Test
  void sameArgumentsSameBytesOtherSeedOtherBytes() {
    String first = run("simulate", "--steps", "300", "--seed", "1").out();
    assertThat(run("simulate", "--steps", "300", "--seed", "1").out()).isEqualTo(first);
    assertThat(run("simulate", "--steps", "300", "--seed", "2").out()).isNotEqualTo(first);
  }

  @Test
  void startSetsTheClock() throws IOException {
    Result r = run("simulate", "--steps", "5", "--start", "2030-06-01T12:00:00+02:00");
    JsonNode first = MAPPER.readTree(r.lines().get(0));
    assertThat(Instant.parse(first.path("requestReceivedTimestamp").asText()))
        .isBetween(Instant.parse("2030-06-01T10:00:00Z"), Instant.parse("2030-06-01T10:00:10Z"));
  }

  @Test
  void snapshotsHoldTheLiveObjectsAfterStepK() throws IOException {
    Path at250 = dir.resolve("at-250.json");
    Path atZero = dir.resolve("at-0.json");
    Result r =
        run(
            "simulate",
            "--steps",
            "600",
            "--seed",
            "5",
            "--snapshot-at",
            "250",
            at250.toString(),
            "--snapshot-at",
            "0",
            atZero.toString());
    assertThat(r.exitCode()).isEqualTo(ExitCodes.OK);

    Simulation sim = Simulation.builder().seed(5).build();
    for (int i = 0; i < 250; i++) {
      sim.step();
    }
    JsonNode list = MAPPER.readTree(Files.readString(at250));
    assertThat(list.path("kind").asText()).isEqualTo("List");
    List<JsonNode> expected = new ArrayList<>();
    for (String body : sim.liveObjects().values()) {
      expected.add(MAPPER.readTree(body));
    }
    assertThat(list.path("items")).containsExactlyElementsOf(expected);
    String time = sim.clusterTime().toString().replace("Z", "");
    assertThat(r.err())
        .contains("snapshot after step 250 (cluster time " + time)
        .contains(expected.size() + " objects written to " + at250);

    JsonNode empty = MAPPER.readTree(Files.readString(atZero));
    assertThat(empty.path("items")).isEmpty();
    assertThat(r.err())
        .contains("snapshot after step 0 (cluster time 2026-01-01T00:00:00.000000Z): 0 objects");
    // The snapshots come before the summary, in step order.
    assertThat(r.err().indexOf("step 0 ")).isLessThan(r.err().indexOf("step 250 "));
    assertThat(r.err().indexOf("step 250 ")).isLessThan(r.err().indexOf("simulated 600 steps"));
  }

  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      value = {
        "--steps -1|--steps must be 0 or more: -1",
        "--steps 10 --start yesterday|--start is not an RFC 3339 time: yesterday",
        "--steps 10 --snapshot-at 11 x.json|--snapshot-at: K must be between 0 and --steps (10): 11",
        "--steps 10 --snapshot-at five x.json|--snapshot-at: K must be a step number: five",
        "--steps 10 --snapshot-at 1 missing/x.json|its directory does not exist",
        "--steps 10 --nodes 0|--nodes must be 1 to 250: 0",
        "--steps 10 --start 1969-07-20T20:17:40Z|--start must be between 1970-01-01T00:00:00Z",
        "--seed 1|Missing required option: '--steps N'",
      })
  void refusesBadUsageWithExitCodeTwo(String args, String message) {
    List<String> argv = new ArrayList<>(List.of("simulate"));
    for (String arg : args.split(" ")) {
      argv.add(arg.endsWith(".json") ? dir.resolve(arg).toString() : arg);
    }
    Result r = run(argv.toArray(new String[0]));
    assertThat(r.exitCode()).isEqualTo(ExitCodes.USAGE);
    assertThat(r.err()).startsWith("error: ").contains(message);
    assertThat(r.out()).isEmpty();
  }

  @Test
  void zeroStepsWriteNothing() {
    Result r = run("simulate", "--steps", "0");
    assertThat(r.exitCode()).isEqualTo(ExitCodes.OK);
    assertThat(r.out()).isEmpty();
    assertThat(r.err()).startsWith("simulated 0 steps: 0 events, 0 bytes, 0 live objects");
  }

  @Test
  void isAKubetrailSubcommand() {
    StringWriter out = new StringWriter();
    CommandLine cl = Main.commandLine();
    cl.setOut(new PrintWriter(out, true));
    assertThat(cl.execute("--help")).isEqualTo(ExitCodes.OK);
    assertThat(out.toString()).contains("simulate");
  }
}
