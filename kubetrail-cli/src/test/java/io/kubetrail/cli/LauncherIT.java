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
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
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
    assumeDynamicArchives();
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
  void runsWithoutAnArchiveWhenToldTo() throws Exception {
    assertThat(version(Map.of("KUBETRAIL_CDS", "off"))).startsWith(VERSION_PREFIX);
    assertThat(archive).doesNotExist();
  }

  @Test
  void theJvmsWarningsGoToStandardError() throws Exception {
    assumeDynamicArchives();
    version(Map.of());
    // A jar changed after its archive was made, while the archive still looks newer: the JVM
    // refuses the archive with a warning, which must not land among the command's output.
    Instant now = Instant.now();
    Files.setLastModifiedTime(jar, FileTime.from(now.minusSeconds(60)));
    Files.setLastModifiedTime(archive, FileTime.from(now));

    Run run = launch(Map.of(), "--version");

    assertThat(run.stdout()).startsWith(VERSION_PREFIX).doesNotContain("warning");
    assertThat(run.stderr()).contains("[warning][cds");
  }

  /** Dynamic archives need the JDK's base archive, which some JDK builds leave out. */
  private void assumeDynamicArchives() throws Exception {
    Path probe = dir.resolve("probe.jsa");
    Process java =
        new ProcessBuilder(
                java().toString(), "-XX:ArchiveClassesAtExit=" + probe, "-Xlog:disable", "-version")
            .redirectErrorStream(true)
            .redirectOutput(dir.resolve("probe.out").toFile())
            .start();
    assertThat(java.waitFor(60, TimeUnit.SECONDS)).isTrue();
    assumeTrue(
        java.exitValue() == 0 && Files.exists(probe),
        "this JVM cannot make a dynamic class-data archive");
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
    ProcessBuilder builder = new ProcessBuilder(command).directory(dir.toFile());
    Map<String, String> environment = builder.environment();
    environment.remove("KUBETRAIL_JAVA_OPTS");
    environment.remove("KUBETRAIL_CDS");
    // The launcher runs the java on the PATH: make it this JVM.
    environment.put(
        "PATH",
        Path.of(System.getProperty("java.home"), "bin")
            + ":"
            + environment.getOrDefault("PATH", ""));
    environment.put("KUBETRAIL_JAR", jar.toString());
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
