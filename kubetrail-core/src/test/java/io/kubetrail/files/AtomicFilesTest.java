package io.kubetrail.files;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AtomicFilesTest {
  @TempDir Path dir;

  @Test
  void replacesTheFileWholeAndCreatesItsDirectory() throws IOException {
    Path file = dir.resolve("a/b/positions.json");
    AtomicFiles.replace(file, "first".getBytes(StandardCharsets.UTF_8));
    AtomicFiles.replace(file, out -> out.write("second".getBytes(StandardCharsets.UTF_8)));
    assertThat(file).hasContent("second");
    assertThat(temporaryFiles(file.getParent())).isEmpty();
  }

  @Test
  void syncsTheDirectoryOnceTheNewFileIsInPlace() throws IOException {
    Path file = dir.resolve("state.bin");
    Files.writeString(file, "old");
    List<String> seenAtSync = new ArrayList<>();
    AtomicFiles.replace(
        file,
        out -> out.write("new".getBytes(StandardCharsets.UTF_8)),
        d -> {
          assertThat(d).isEqualTo(dir.toAbsolutePath());
          try {
            seenAtSync.add(Files.readString(file));
          } catch (IOException e) {
            throw new UncheckedIOException(e);
          }
        });
    assertThat(seenAtSync).containsExactly("new");
  }

  @Test
  void aFailedWriteLeavesTheOldFileAndNoTemporaryFile() throws IOException {
    Path file = dir.resolve("state.bin");
    Files.writeString(file, "old");
    List<Path> synced = new ArrayList<>();
    assertThatThrownBy(
            () ->
                AtomicFiles.replace(
                    file,
                    out -> {
                      out.write("half of the new".getBytes(StandardCharsets.UTF_8));
                      throw new IOException("disk full");
                    },
                    synced::add))
        .isInstanceOf(IOException.class)
        .hasMessage("disk full");
    assertThat(file).hasContent("old");
    assertThat(temporaryFiles(dir)).isEmpty();
    assertThat(synced).isEmpty();
  }

  @Test
  void aFailedRenameLeavesWhatIsThereAndNoTemporaryFile() throws IOException {
    // A non-empty directory cannot be replaced by a file.
    Path file = dir.resolve("taken");
    Files.writeString(Files.createDirectories(file).resolve("inside"), "old");
    assertThatThrownBy(() -> AtomicFiles.replace(file, "new".getBytes(StandardCharsets.UTF_8)))
        .isInstanceOf(IOException.class);
    assertThat(file.resolve("inside")).hasContent("old");
    assertThat(temporaryFiles(dir)).isEmpty();
  }

  private static List<Path> temporaryFiles(Path directory) throws IOException {
    try (Stream<Path> files = Files.list(directory)) {
      return files.filter(f -> f.toString().endsWith(AtomicFiles.TEMPORARY_SUFFIX)).toList();
    }
  }
}
