package io.kubetrail.store.search;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The CSV of event rows: every column named once, each row one RFC 4180 record. */
class EventRowCsvTest {

  private static EventRow row(String user, int code) {
    return new EventRow(
        Instant.parse("2026-01-01T00:00:01.5Z"),
        "prod",
        "a1",
        "ResponseComplete",
        "Metadata",
        "update",
        "apps",
        "deployments",
        "",
        "shop",
        "web",
        "/apis/apps/v1/namespaces/shop/deployments/web?fieldManager=a,b",
        true,
        user,
        "",
        code,
        false,
        true);
  }

  @Test
  void headerNamesEveryColumnAndRowsFillThem() {
    assertThat(EventRow.csvHeader())
        .isEqualTo(String.join(",", EventRow.CSV_COLUMNS) + "\r\n")
        .startsWith("time,cluster,auditID,");
    String record = row("alice", 200).csvRecord();
    assertThat(record)
        .isEqualTo(
            "2026-01-01T00:00:01.500Z,prod,a1,ResponseComplete,Metadata,update,apps,deployments,,"
                + "shop,web,\"/apis/apps/v1/namespaces/shop/deployments/web?fieldManager=a,b\","
                + "alice,,200,false,true\r\n");
  }

  @Test
  void quotesWhatNeedsItAndLeavesAnAbsentCodeEmpty() {
    String record = row("eve \"the\" admin\nline", 0).csvRecord();
    assertThat(record).contains(",\"eve \"\"the\"\" admin\nline\",,,false,true\r\n");
    assertThat(CsvText.line(List.of("a", "b,c", ""))).isEqualTo("a,\"b,c\",\r\n");
    assertThat(CsvText.field("plain")).isEqualTo("plain");
    assertThat(CsvText.field("car\rriage")).isEqualTo("\"car\rriage\"");
  }
}
