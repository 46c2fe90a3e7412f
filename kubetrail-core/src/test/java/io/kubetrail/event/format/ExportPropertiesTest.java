package io.kubetrail.event.format;

import static org.assertj.core.api.Assertions.assertThat;

import io.kubetrail.event.AuditEvent;
import io.kubetrail.event.DecodeResult;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;

/**
 * Properties of the export reader over generated files; jqwik prints the seed of any failure. Each
 * file holds events in every record shape and layout that {@code auto} reads: kube-apiserver's
 * lines, GKE entries, AKS records (string or object), wrapped in {@code records}, in a JSON array.
 */
class ExportPropertiesTest {

  private static String record(int shape, String id) {
    String event = RecordFormatTest.EVENT.formatted(id);
    return switch (shape) {
      case 0 -> event;
      case 1 -> RecordFormatTest.GKE_ENTRY.formatted(0).replace("op-1", id);
      case 2 -> RecordFormatTest.aks(RecordFormatTest.quoted(event));
      case 3 -> RecordFormatTest.aks(event);
      default -> "{\"records\":[" + RecordFormatTest.aks(RecordFormatTest.quoted(event)) + "]}";
    };
  }

  @Property(tries = 200)
  void autoReadsEveryRecordOnceInOrderWhateverTheShapesAndLayout(
      @ForAll @Size(min = 1, max = 30) List<@IntRange(min = 0, max = 4) Integer> shapes,
      @ForAll boolean asArray,
      @ForAll @IntRange(min = 0, max = 3) int blankLines)
      throws IOException {
    List<String> ids = new ArrayList<>();
    List<String> records = new ArrayList<>();
    for (int i = 0; i < shapes.size(); i++) {
      ids.add("id-" + i);
      records.add(record(shapes.get(i), "id-" + i));
    }
    String blanks = "\n".repeat(blankLines);
    String text =
        asArray
            ? blanks + "[\n" + String.join(",\n", records) + "\n]\n"
            : blanks + String.join("\n" + blanks, records) + "\n";
    List<DecodeResult> results = RecordFormatTest.read(RecordFormat.AUTO, text);
    assertThat(RecordFormatTest.rejections(results)).isEmpty();
    assertThat(RecordFormatTest.events(results)).extracting(AuditEvent::auditID).isEqualTo(ids);
  }

  @Property(tries = 200)
  void aBadLineCostsOnlyItselfInJsonLines(
      @ForAll @Size(min = 1, max = 20) List<@IntRange(min = 0, max = 4) Integer> shapes,
      @ForAll @IntRange(min = 0, max = 19) int badAt,
      @ForAll("garbage") String garbage)
      throws IOException {
    List<String> lines = new ArrayList<>();
    List<String> ids = new ArrayList<>();
    for (int i = 0; i < shapes.size(); i++) {
      ids.add("id-" + i);
      lines.add(record(shapes.get(i), "id-" + i));
    }
    // The first line tells the layout: keep it a record, so the file is JSON Lines.
    int at = 1 + Math.min(badAt, lines.size() - 1);
    lines.add(at, garbage);
    List<DecodeResult> results =
        RecordFormatTest.read(RecordFormat.AUTO, String.join("\n", lines) + "\n");
    assertThat(RecordFormatTest.events(results)).extracting(AuditEvent::auditID).isEqualTo(ids);
    assertThat(RecordFormatTest.rejections(results))
        .singleElement()
        .asString()
        .startsWith("export:" + (at + 1) + ": ");
  }

  @net.jqwik.api.Provide
  net.jqwik.api.Arbitrary<String> garbage() {
    return net.jqwik.api.Arbitraries.of(
        "not json",
        "{\"kind\":",
        "[1,2",
        "{\"hello\":1}",
        "42",
        "{\"category\":\"x\",\"properties\":{}}");
  }
}
