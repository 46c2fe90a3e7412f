package io.kubetrail.store.search;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/**
 * The CSV cell writer: a record reads back as its fields, and no cell that a spreadsheet would take
 * for a formula (OWASP "CSV Injection") comes out unneutralised.
 */
class CsvTextPropertiesTest {

  @Provide
  Arbitrary<List<String>> records() {
    Arbitrary<String> tricky = Arbitraries.strings().withChars("=+-@\t\r\n,\"' a1").ofMaxLength(8);
    Arbitrary<String> any = Arbitraries.strings().ofMaxLength(8);
    return Arbitraries.oneOf(tricky, any).list().ofMinSize(1).ofMaxSize(6);
  }

  @Property(seed = "20261205")
  void aRecordReadsBackAsItsFieldsWithFormulasQuoted(@ForAll("records") List<String> fields) {
    List<String> read = parse(CsvText.line(fields));
    List<String> expected = new ArrayList<>();
    for (String f : fields) {
      expected.add(CsvText.formulaLike(f) ? "'" + f : f);
    }
    assertThat(read).isEqualTo(expected);
  }

  @Property(seed = "20261205")
  void noCellStartsAFormula(@ForAll("records") List<String> fields) {
    for (String cell : parse(CsvText.line(fields))) {
      assertThat(cell).doesNotStartWith("=");
      assertThat(cell).doesNotStartWith("+");
      assertThat(cell).doesNotStartWith("-");
      assertThat(cell).doesNotStartWith("@");
      assertThat(cell).doesNotStartWith("\t");
      assertThat(cell).doesNotStartWith("\r");
    }
  }

  @Example
  void formulaLikeCellsGetALeadingQuote() {
    assertThat(CsvText.field("=HYPERLINK(\"http://x\")"))
        .isEqualTo("\"'=HYPERLINK(\"\"http://x\"\")\"");
    assertThat(CsvText.field("+1")).isEqualTo("'+1");
    assertThat(CsvText.field("-2+3")).isEqualTo("'-2+3");
    assertThat(CsvText.field("@SUM(A1)")).isEqualTo("'@SUM(A1)");
    assertThat(CsvText.field("\tcmd")).isEqualTo("'\tcmd");
    assertThat(CsvText.field("\r=1")).isEqualTo("\"'\r=1\"");
    assertThat(CsvText.field("a=1")).isEqualTo("a=1");
    assertThat(CsvText.field("")).isEmpty();
  }

  @Example
  void reportTablesUseTheSameCells() {
    assertThat(CsvText.table(List.of("name"), List.of(List.of("=cmd"), List.of("web"))))
        .isEqualTo("name\r\n'=cmd\r\nweb\r\n");
  }

  /** A strict RFC 4180 reader of one record ending with CRLF. */
  private static List<String> parse(String line) {
    assertThat(line).endsWith("\r\n");
    String s = line.substring(0, line.length() - 2);
    List<String> cells = new ArrayList<>();
    StringBuilder cell = new StringBuilder();
    int i = 0;
    while (true) {
      if (i < s.length() && s.charAt(i) == '"') {
        i++;
        while (true) {
          char c = s.charAt(i++);
          if (c == '"') {
            if (i < s.length() && s.charAt(i) == '"') {
              cell.append('"');
              i++;
            } else {
              break;
            }
          } else {
            cell.append(c);
          }
        }
      } else {
        while (i < s.length() && s.charAt(i) != ',') {
          char c = s.charAt(i++);
          assertThat(c).as("bare quote or line break in an unquoted cell").isNotIn('"', '\r', '\n');
          cell.append(c);
        }
      }
      cells.add(cell.toString());
      cell.setLength(0);
      if (i == s.length()) {
        return cells;
      }
      assertThat(s.charAt(i)).isEqualTo(',');
      i++;
    }
  }
}
