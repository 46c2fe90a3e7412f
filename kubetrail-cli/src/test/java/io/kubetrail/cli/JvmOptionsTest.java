package io.kubetrail.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** The launcher's {@code jvm.options}: every option is one this JVM accepts and applies. */
class JvmOptionsTest {
  private static final Path FILE = Path.of("..", "jvm.options");

  @Test
  void everyOptionIsAcceptedAndApplied() throws Exception {
    List<String> options = options();
    assertThat(options).isNotEmpty().allMatch(o -> o.startsWith("-"));

    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.addAll(options);
    command.add("-XX:+PrintFlagsFinal");
    command.add("-version");
    Process java = new ProcessBuilder(command).redirectErrorStream(true).start();
    String output = new String(java.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(java.waitFor(60, TimeUnit.SECONDS)).isTrue();
    assertThat(java.exitValue()).as(output).isZero();
    for (String option : options) {
      // -XX:Name=value is reported as "Name = value ... {command line}".
      String flag = option.replaceFirst("^-XX:[+-]?", "");
      String[] nameValue = flag.split("=", 2);
      assertThat(output)
          .as(option)
          .containsPattern(
              "\\s"
                  + nameValue[0]
                  + "\\s+= "
                  + (nameValue.length == 2 ? nameValue[1] : "\\S+")
                  + "\\s.*\\{command line\\}");
    }
  }

  private static List<String> options() throws IOException {
    List<String> options = new ArrayList<>();
    for (String line : Files.readAllLines(FILE, StandardCharsets.UTF_8)) {
      String trimmed = line.strip();
      if (!trimmed.isEmpty() && !trimmed.startsWith("#")) {
        options.add(trimmed);
      }
    }
    return options;
  }
}
