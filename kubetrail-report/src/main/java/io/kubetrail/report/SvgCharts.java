package io.kubetrail.report;

import java.util.List;
import java.util.Locale;
import java.util.Objects;

/** Inline SVG charts for the HTML page: no scripts, no fonts but the page's, printable. */
final class SvgCharts {
  private SvgCharts() {}

  /** One bar or slice. */
  record Datum(String label, long value, String color) {
    Datum {
      Objects.requireNonNull(label, "label");
      Objects.requireNonNull(color, "color");
    }
  }

  /**
   * A bar chart, one bar per datum, labels under the bars (every n-th when many), the largest value
   * on the axis.
   */
  static String bars(String title, List<Datum> data) {
    int width = 640;
    int height = 220;
    int left = 40;
    int bottom = 40;
    int plotW = width - left - 10;
    int plotH = height - bottom - 20;
    long max = Math.max(1, data.stream().mapToLong(Datum::value).max().orElse(1));
    StringBuilder sb = new StringBuilder();
    sb.append(
        String.format(
            Locale.ROOT,
            "<svg class=\"chart\" viewBox=\"0 0 %d %d\" role=\"img\" aria-label=\"%s\">",
            width,
            height,
            Html.escape(title)));
    sb.append(
        String.format(
            Locale.ROOT,
            "<line x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\" class=\"axis\"/>",
            left,
            20 + plotH,
            left + plotW,
            20 + plotH));
    sb.append(
        String.format(
            Locale.ROOT,
            "<text x=\"%d\" y=\"%d\" class=\"tick\" text-anchor=\"end\">%d</text>"
                + "<text x=\"%d\" y=\"%d\" class=\"tick\" text-anchor=\"end\">0</text>",
            left - 6,
            26,
            max,
            left - 6,
            20 + plotH));
    if (data.isEmpty()) {
      sb.append("<text x=\"50%\" y=\"50%\" class=\"tick\" text-anchor=\"middle\">none</text>");
    }
    double slot = data.isEmpty() ? plotW : (double) plotW / data.size();
    int every = Math.max(1, (int) Math.ceil(data.size() / 12.0));
    for (int i = 0; i < data.size(); i++) {
      Datum d = data.get(i);
      double h = (double) d.value() / max * plotH;
      double x = left + i * slot + slot * 0.15;
      sb.append(
          String.format(
              Locale.ROOT,
              "<rect x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"%.1f\" fill=\"%s\">"
                  + "<title>%s: %d</title></rect>",
              x,
              20 + plotH - h,
              slot * 0.7,
              h,
              d.color(),
              Html.escape(d.label()),
              d.value()));
      if (i % every == 0) {
        sb.append(
            String.format(
                Locale.ROOT,
                "<text x=\"%.1f\" y=\"%d\" class=\"tick\" text-anchor=\"middle\">%s</text>",
                x + slot * 0.35,
                20 + plotH + 16,
                Html.escape(d.label())));
      }
    }
    return sb.append("</svg>").toString();
  }

  /** A donut of the data's shares, the total in the middle, and a legend. */
  static String donut(String title, List<Datum> data) {
    long total = data.stream().mapToLong(Datum::value).sum();
    double r = 60;
    double circumference = 2 * Math.PI * r;
    StringBuilder sb = new StringBuilder();
    sb.append(
        String.format(
            Locale.ROOT,
            "<svg class=\"donut\" viewBox=\"0 0 320 160\" role=\"img\" aria-label=\"%s\">",
            Html.escape(title)));
    sb.append(
        "<circle cx=\"80\" cy=\"80\" r=\"60\" fill=\"none\" stroke=\"#e5e7eb\""
            + " stroke-width=\"22\"/>");
    double offset = 0;
    for (Datum d : data) {
      if (total == 0 || d.value() == 0) {
        continue;
      }
      double len = circumference * d.value() / total;
      sb.append(
          String.format(
              Locale.ROOT,
              "<circle cx=\"80\" cy=\"80\" r=\"60\" fill=\"none\" stroke=\"%s\" stroke-width=\"22\""
                  + " stroke-dasharray=\"%.2f %.2f\" stroke-dashoffset=\"%.2f\""
                  + " transform=\"rotate(-90 80 80)\"><title>%s: %d</title></circle>",
              d.color(),
              len,
              circumference - len,
              -offset,
              Html.escape(d.label()),
              d.value()));
      offset += len;
    }
    sb.append(
        String.format(
            Locale.ROOT,
            "<text x=\"80\" y=\"86\" text-anchor=\"middle\" class=\"total\">%d</text>",
            total));
    int y = 50;
    for (Datum d : data) {
      sb.append(
          String.format(
              Locale.ROOT,
              "<rect x=\"170\" y=\"%d\" width=\"12\" height=\"12\" rx=\"2\" fill=\"%s\"/>"
                  + "<text x=\"188\" y=\"%d\" class=\"legend\">%s: %d</text>",
              y,
              d.color(),
              y + 11,
              Html.escape(d.label()),
              d.value()));
      y += 22;
    }
    return sb.append("</svg>").toString();
  }
}
