package io.kubetrail.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The {@code ./kubetrail} launcher on the packaged jar: the class-data archive it keeps beside the
 * jar, and a standard output that carries only what the command writes.
 */
class LauncherIT {
  private static final Path LAUNCHER = Path.of("..", "kubetrail").toAbsolutePath().normalize();
  private static final Path PACKAGED = Path.of("target", "kubetrail.jar");
  private static final String VERSION_PREFIX = "kubetrail ";

  @TempDir Path dir;
  private Path jar;
  private Path archive;

  @BeforeEach
  void copyJar() throws IOException {
    jar = Files.copy(PACKAGED, dir.resolve("kubetrail.jar"));
    archive = dir.resolve("kubetrail.jsa");
  }

  @Test
  void makesTheArchiveOnceAndAgainForANewJar() throws Exception {
    assumeClassDataArchives();
    assertThat(version(Map.of())).startsWith(VERSION_PREFIX);
    assertThat(archive).isNotEmptyFile();
    FileTime made = Files.getLastModifiedTime(archive);

    assertThat(version(Map.of())).startsWith(VERSION_PREFIX);
    assertThat(Files.getLastModifiedTime(archive)).isEqualTo(made);

    Files.setLastModifiedTime(jar, FileTime.from(made.toInstant().plusSeconds(5)));
    assertThat(version(Map.of())).startsWith(VERSION_PREFIX);
    assertThat(Files.getLastModifiedTime(archive)).isGreaterThan(made);
  }

  @Test
  void theArchiveHoldsTheCommandLineParser() throws Exception {
    assumeClassDataArchives();
    version(Map.of());
    // Every command builds picocli's model first: its classes (Java 5 class files) are what a
    // dynamic archive, or a static one made carelessly, leaves out.
    Run run = launch(Map.of("KUBETRAIL_JAVA_OPTS", "-Xlog:class+load=info:stdout"), "--version");

    assertThat(run.stdout())
        .contains("picocli.CommandLine source: shared objects file")
        .contains("io.kubetrail.cli.Main source: shared objects file");
  }

  @Test
  void makesTheArchiveAgainForANewerJvm() throws Exception {
    assumeClassDataArchives();
    // A java on the PATH that runs this JVM; touching it stands for upgrading the JDK.
    Path bin = Files.createDirectories(dir.resolve("bin"));
    Path wrapper = bin.resolve("java");
    Files.writeString(wrapper, "#!/bin/sh\nexec '" + java() + "' \"$@\"\n");
    wrapper.toFile().setExecutable(true);
    Map<String, String> env = Map.of("PATH", bin + ":" + System.getenv("PATH"));
    version(env);
    FileTime made = Files.getLastModifiedTime(archive);

    Files.setLastModifiedTime(wrapper, FileTime.from(made.toInstant().plusSeconds(5)));
    assertThat(version(env)).startsWith(VERSION_PREFIX);
    assertThat(Files.getLastModifiedTime(archive)).isGreaterThan(made);
  }

  @Test
  void runsWithoutAnArchiveWhenToldTo() throws Exception {
    assertThat(version(Map.of("KUBETRAIL_CDS", "off"))).startsWith(VERSION_PREFIX);
    assertThat(archive).doesNotExist();
  }

  @Test
  void theJvmsWarningsGoToStandardError() throws Exception {
    // Without huge pages, asking for them makes the JVM warn, by default on standard output.
    Run plain = run(List.of(java().toString(), "-XX:+UseLargePages", "-version"), Map.of());
    assumeTrue(
        plain.stdout().contains("[warning]"), "this machine has huge pages: no warning to catch");

    Run run = launch(Map.of("KUBETRAIL_JAVA_OPTS", "-XX:+UseLargePages"), "--version");

    assertThat(run.stdout()).startsWith(VERSION_PREFIX).doesNotContain("warning");
    assertThat(run.stderr()).contains("[warning]");
  }

  @Test
  void anArchiveTheJvmCannotUseOnlySlowsTheStart() throws Exception {
    assumeClassDataArchives();
    version(Map.of());
    // A jar changed after its archive was made, while the archive still looks newer: the JVM
    // refuses the archive, which must neither fail the command nor clutter its output.
    Instant now = Instant.now();
    Files.setLastModifiedTime(jar, FileTime.from(now.minusSeconds(60)));
    Files.setLastModifiedTime(archive, FileTime.from(now));

    assertThat(version(Map.of())).startsWith(VERSION_PREFIX);
  }

  @Test
  void ingestAndReportShapeTheHeapUnlessItIsSized() throws Exception {
    long mb = 1L << 20;
    Run ingest = flags("ingest");
    assertThat(flag(ingest, "MaxHeapSize")).isEqualTo(1024 * mb);
    assertThat(flag(ingest, "MaxNewSize")).isEqualTo(600 * mb);

    // A heap the user sized is left to the JVM's own split, which always fits it.
    assertThat(flag(sized("ingest"), "MaxNewSize")).isLessThan(512 * mb / 2);

    Run report = flags("report");
    assertThat(flag(report, "InitialHeapSize")).isEqualTo(1024 * mb);
    // -Xms1g beside -Xmx512m would stop the JVM with an error.
    sized("report");

    Run search = flags("search");
    assertThat(flag(search, "NewSize")).isLessThan(600 * mb);
  }

  @Test
  void ingestAndReportLeaveMoreToTheFirstCompiler() throws Exception {
    for (String command : List.of("ingest", "report")) {
      Run run = flags(command);
      assertThat(run.stderr()).as(command).isEmpty();
      assertThat(flag(run, "Tier4InvocationThreshold")).as(command).isEqualTo(20_000);
      assertThat(flag(run, "Tier4BackEdgeThreshold")).as(command).isEqualTo(160_000);
    }
    Run search = flags("search");
    assertThat(flag(search, "Tier4InvocationThreshold")).isEqualTo(5_000);
  }

  @Test
  void ingestAndReportAskForHugePagesWhereTheKernelGivesThemOnRequest() throws Exception {
    Path mode = Path.of("/sys/kernel/mm/transparent_hugepage/enabled");
    assumeTrue(
        Files.isReadable(mode) && Files.readString(mode).contains("[madvise]"),
        "this kernel does not give transparent huge pages on request");
    for (String command : List.of("ingest", "report")) {
      Run run = flags(command);
      assertThat(run.stderr()).as(command).isEmpty();
      assertThat(flagText(run, "UseTransparentHugePages")).as(command).isEqualTo("true");
    }
    Run search = flags("search");
    assertThat(flagText(search, "UseTransparentHugePages")).isEqualTo("false");
  }

  /**
   * {@code command --help} with a heap the user sized at 512 MB: it runs, quietly, in that heap.
   */
  private Run sized(String command) throws Exception {
    Run run =
        launch(Map.of("KUBETRAIL_JAVA_OPTS", "-Xmx512m -XX:+PrintFlagsFinal"), command, "--help");
    assertThat(run.exitCode()).as(run.stderr()).isZero();
    assertThat(run.stderr()).isEmpty();
    assertThat(flag(run, "MaxHeapSize")).isEqualTo(512L << 20);
    return run;
  }

  /** {@code command --help} printing the JVM's flags ({@code -XX:+PrintFlagsFinal}). */
  private Run flags(String command) throws Exception {
    return launch(Map.of("KUBETRAIL_JAVA_OPTS", "-XX:+PrintFlagsFinal"), command, "--help");
  }

  /** A numeric flag's value as {@code -XX:+PrintFlagsFinal} printed it. */
  private static long flag(Run run, String name) {
    return Long.parseLong(flagText(run, name));
  }

  /** A flag's value as {@code -XX:+PrintFlagsFinal} printed it. */
  private static String flagText(Run run, String name) {
    Matcher m = Pattern.compile("\\s" + name + "\\s+=\\s+(\\S+)\\s").matcher(run.stdout());
    assertThat(m.find()).as("%s in the JVM's flags", name).isTrue();
    return m.group(1);
  }

  /** JVMs built without class-data sharing cannot make an archive. */
  private void assumeClassDataArchives() throws Exception {
    Path list = Files.writeString(dir.resolve("probe.classlist"), "java/lang/Object\n");
    Path probe = dir.resolve("probe.jsa");
    Run run =
        run(
            List.of(
                java().toString(),
                "-Xshare:dump",
                "-XX:SharedClassListFile=" + list,
                "-XX:SharedArchiveFile=" + probe,
                "-Xlog:disable"),
            Map.of());
    assumeTrue(
        run.exitCode() == 0 && Files.exists(probe), "this JVM cannot make a class-data archive");
  }

  private static Path java() {
    return Path.of(System.getProperty("java.home"), "bin", "java");
  }

  private String version(Map<String, String> env) throws Exception {
    Run run = launch(env, "--version");
    assertThat(run.exitCode()).as(run.stderr()).isZero();
    assertThat(run.stderr()).isEmpty();
    return run.stdout();
  }

  private Run launch(Map<String, String> env, String... args) throws Exception {
    List<String> command = new ArrayList<>(List.of("bash", LAUNCHER.toString()));
    command.addAll(List.of(args));
    Map<String, String> environment = new HashMap<>(env);
    environment.put("KUBETRAIL_JAR", jar.toString());
    return run(command, environment);
  }

  private Run run(List<String> command, Map<String, String> env) throws Exception {
    ProcessBuilder builder = new ProcessBuilder(command).directory(dir.toFile());
    Map<String, String> environment = builder.environment();
    environment.remove("KUBETRAIL_JAVA_OPTS");
    environment.remove("KUBETRAIL_CDS");
    // The launcher runs the java on the PATH: make it this JVM.
    environment.put("PATH", java().getParent() + ":" + environment.getOrDefault("PATH", ""));
    environment.putAll(env);
    builder.redirectOutput(dir.resolve("stdout").toFile());
    builder.redirectError(dir.resolve("stderr").toFile());
    Process process = builder.start();
    assertThat(process.waitFor(120, TimeUnit.SECONDS)).isTrue();
    return new Run(
        process.exitValue(),
        Files.readString(dir.resolve("stdout"), StandardCharsets.UTF_8),
        Files.readString(dir.resolve("stderr"), StandardCharsets.UTF_8));
  }

  private record Run(int exitCode, String stdout, String stderr) {}
}
