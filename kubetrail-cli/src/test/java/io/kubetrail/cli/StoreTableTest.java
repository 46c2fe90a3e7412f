package io.kubetrail.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.List;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.Size;
import net.jqwik.api.constraints.StringLength;
import org.junit.jupiter.api.Test;

class StoreTableTest {

  private static List<String> print(StoreTable table) {
    StringWriter text = new StringWriter();
    table.print(new PrintWriter(text));
    return text.toString().lines().toList();
  }

  @Test
  void alignsColumnsAsKubectlDoes() {
    StoreTable table = new StoreTable("VERB", "RESOURCE", "CODE");
    table.add("create", "deployments.apps", "201");
    table.add("delete", "pods", "200");

    assertThat(print(table))
        .containsExactly(
            "VERB      RESOURCE           CODE",
            "create    deployments.apps   201",
            "delete    pods               200");
  }

  @Test
  void replacesControlCharacters() {
    StoreTable table = new StoreTable("USER", "AGENT");
    table.add("eve\u001b[31m", "curl\tx\ny");

    assertThat(print(table)).containsExactly("USER       AGENT", "eve?[31m   curl?x?y");
  }

  @Test
  void rejectsRowsOfTheWrongWidth() {
    StoreTable table = new StoreTable("A", "B");
    assertThatThrownBy(() -> table.add("only one")).isInstanceOf(IllegalArgumentException.class);
  }

  @Property
  void everyColumnStartsAtTheSameOffsetOnEveryLine(
      @ForAll @Size(min = 1, max = 5) List<@StringLength(min = 1, max = 15) String> firstColumn) {
    StoreTable table = new StoreTable("FIRST", "SECOND");
    firstColumn.forEach(cell -> table.add(StoreTable.printable(cell).replace(' ', '_'), "x"));

    List<String> lines = print(table);

    int offset = lines.get(0).indexOf("SECOND");
    assertThat(lines.subList(1, lines.size()))
        .allSatisfy(line -> assertThat(line.substring(offset)).isEqualTo("x"));
  }
}
