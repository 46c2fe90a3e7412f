package io.kubetrail.history;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Iterator;
import java.util.Map;

/**
 * Writes a JSON tree as block-style YAML, character for character as {@code kubectl get -o yaml}
 * prints it (the style of the Go YAML emitter that SnakeYAML's emitter follows): two-space indents,
 * sequences in mappings not indented, empty collections as {@code {}} and {@code []}, strings
 * quoted only when a plain scalar would read back as something else, multi-line strings as literal
 * blocks, and long plain and quoted scalars folded at 80 columns.
 *
 * <p>The state it keeps is the emitter's: the column, whether the last character written was white
 * space, whether the line so far is only indentation, and the current indent. The rules for
 * choosing a scalar's style and for folding it are kept as they are in that emitter, quirks
 * included, so that output stays byte for byte what users and their tools have seen.
 */
final class YamlEmitter {
  /** The column after which long scalars are folded at the next single space. */
  private static final int WIDTH = 80;

  /** Keys of this many characters or more are written as explicit {@code ? key} entries. */
  private static final int MAX_SIMPLE_KEY = 128;

  private static final int STEP = 2;
  private static final int NO_INDENT = -1;

  private final StringBuilder out;
  private int column;
  private boolean whitespace = true;
  private boolean indention = true;
  private int indent = NO_INDENT;

  private YamlEmitter(StringBuilder out) {
    this.out = out;
  }

  /** Appends {@code root} as one YAML document (without a start marker) to {@code out}. */
  static void document(JsonNode root, StringBuilder out) {
    YamlEmitter e = new YamlEmitter(out);
    if (root.isTextual() && root.textValue().isEmpty()) {
      // An empty scalar alone would be an empty document: it gets an explicit start.
      e.writeIndent();
      e.indicator("---", true, false, false);
    }
    e.node(root, false, false);
    e.writeIndent();
  }

  private void node(JsonNode node, boolean mappingContext, boolean simpleKey) {
    switch (node.getNodeType()) {
      case OBJECT -> {
        if (node.isEmpty()) {
          emptyCollection("{", "}");
        } else {
          mapping(node);
        }
      }
      case ARRAY -> {
        if (node.isEmpty()) {
          emptyCollection("[", "]");
        } else {
          sequence(node, mappingContext);
        }
      }
      case STRING -> scalar(node.textValue(), ScalarRules.valueStyle(node.textValue()), simpleKey);
      case NUMBER -> scalar(number(node), Style.PLAIN, simpleKey);
      case BOOLEAN -> scalar(node.booleanValue() ? "true" : "false", Style.PLAIN, simpleKey);
      case NULL -> scalar("null", Style.PLAIN, simpleKey);
      default ->
          throw new IllegalArgumentException(
              "only JSON values can be written as YAML, not " + node.getNodeType());
    }
  }

  /** A number as the YAML generator prints it: Java's decimal form of the parsed value. */
  private static String number(JsonNode n) {
    return switch (n.numberType()) {
      case INT -> Integer.toString(n.intValue());
      case LONG -> Long.toString(n.longValue());
      case BIG_INTEGER -> n.bigIntegerValue().toString();
      case FLOAT -> Float.toString(n.floatValue());
      case DOUBLE -> Double.toString(n.doubleValue());
      case BIG_DECIMAL -> n.decimalValue().toString();
    };
  }

  private void emptyCollection(String open, String close) {
    indicator(open, true, true, false);
    indicator(close, false, false, false);
  }

  private void mapping(JsonNode node) {
    int saved = indent;
    indent = indent == NO_INDENT ? 0 : indent + STEP;
    Iterator<Map.Entry<String, JsonNode>> fields = node.fields();
    while (fields.hasNext()) {
      Map.Entry<String, JsonNode> f = fields.next();
      String key = f.getKey();
      Style keyStyle = ScalarRules.keyStyle(key);
      writeIndent();
      ScalarRules.Analysis a = ScalarRules.analyse(key);
      if (key.length() < MAX_SIMPLE_KEY && !key.isEmpty() && !a.multiline()) {
        scalar(key, keyStyle, a, true);
        indicator(":", false, false, false);
      } else {
        indicator("?", true, false, true);
        scalar(key, keyStyle, a, false);
        writeIndent();
        indicator(":", true, false, true);
      }
      node(f.getValue(), true, false);
    }
    indent = saved;
  }

  private void sequence(JsonNode node, boolean mappingContext) {
    int saved = indent;
    // A sequence that is a mapping's value starts at the key's column, as kubectl prints it.
    boolean indentless = mappingContext && !indention;
    if (indent == NO_INDENT) {
      indent = 0;
    } else if (!indentless) {
      indent += STEP;
    }
    for (JsonNode item : node) {
      writeIndent();
      indicator("-", true, false, true);
      node(item, false, false);
    }
    indent = saved;
  }

  private void scalar(String text, Style requested, boolean simpleKey) {
    scalar(text, requested, ScalarRules.analyse(text), simpleKey);
  }

  private void scalar(String text, Style requested, ScalarRules.Analysis a, boolean simpleKey) {
    int saved = indent;
    indent = indent == NO_INDENT ? STEP : indent + STEP;
    boolean fold = !simpleKey;
    switch (ScalarRules.choose(requested, a, simpleKey)) {
      case PLAIN -> plain(text, fold);
      case SINGLE_QUOTED -> singleQuoted(text, fold);
      case DOUBLE_QUOTED -> doubleQuoted(text, fold);
      case LITERAL -> literal(text);
    }
    indent = saved;
  }

  // The primitive writes: every character goes through them, so that the state stays exact.

  private void indicator(String s, boolean needWhitespace, boolean isWhitespace, boolean indent) {
    if (!whitespace && needWhitespace) {
      out.append(' ');
      column++;
    }
    whitespace = isWhitespace;
    indention = indention && indent;
    out.append(s);
    column += s.length();
  }

  private void writeIndent() {
    int to = Math.max(indent, 0);
    if (!indention || column > to || (column == to && !whitespace)) {
      lineBreak();
    }
    spaces(to - column);
  }

  private void spaces(int n) {
    if (n > 0) {
      whitespace = true;
      for (int i = 0; i < n; i++) {
        out.append(' ');
      }
      column += n;
    }
  }

  private void lineBreak() {
    lineBreak('\n');
  }

  /** Ends the line with {@code br}: {@code \n}, or another line break written as itself. */
  private void lineBreak(char br) {
    out.append(br);
    whitespace = true;
    indention = true;
    column = 0;
  }

  private void lineBreaks(String text, int start, int end) {
    for (int i = start; i < end; i++) {
      lineBreak(text.charAt(i));
    }
  }

  /**
   * A run of line breaks inside a plain or single-quoted scalar: a {@code \n} folds away when read
   * back, so the first one is written twice.
   */
  private void breaksInFlow(String text, int start, int end) {
    if (text.charAt(start) == '\n') {
      lineBreak();
    }
    lineBreaks(text, start, end);
    writeIndent();
  }

  private void text(String text, int start, int end) {
    out.append(text, start, end);
    column += end - start;
  }

  // Scalars. Each walks the text as runs of spaces, of line breaks, and of anything else.

  private void plain(String text, boolean fold) {
    if (text.isEmpty()) {
      return;
    }
    if (!whitespace) {
      out.append(' ');
      column++;
    }
    whitespace = false;
    indention = false;
    int start = 0;
    boolean spaces = false;
    boolean breaks = false;
    for (int end = 0; end <= text.length(); end++) {
      char ch = end < text.length() ? text.charAt(end) : 0;
      if (spaces) {
        if (ch != ' ') {
          if (start + 1 == end && column > WIDTH && fold) {
            writeIndent();
            whitespace = false;
            indention = false;
          } else {
            text(text, start, end);
          }
          start = end;
        }
      } else if (breaks) {
        if (!ScalarRules.isBreak(ch)) {
          breaksInFlow(text, start, end);
          whitespace = false;
          indention = false;
          start = end;
        }
      } else if (ch == 0 || ch == ' ' || ScalarRules.isBreak(ch)) {
        text(text, start, end);
        start = end;
      }
      if (ch != 0) {
        spaces = ch == ' ';
        breaks = ScalarRules.isBreak(ch);
      }
    }
  }

  private void singleQuoted(String text, boolean fold) {
    indicator("'", true, false, false);
    int start = 0;
    boolean spaces = false;
    boolean breaks = false;
    for (int end = 0; end <= text.length(); end++) {
      char ch = end < text.length() ? text.charAt(end) : 0;
      if (spaces) {
        if (ch != ' ') {
          boolean inside = start != 0 && end != text.length();
          if (start + 1 == end && column > WIDTH && fold && inside) {
            writeIndent();
          } else {
            text(text, start, end);
          }
          start = end;
        }
      } else if (breaks) {
        if (ch == 0 || !ScalarRules.isBreak(ch)) {
          breaksInFlow(text, start, end);
          start = end;
        }
      } else if (ch == 0 || ch == ' ' || ch == '\'' || ScalarRules.isBreak(ch)) {
        if (start < end) {
          text(text, start, end);
          start = end;
        }
      }
      if (ch == '\'') {
        out.append("''");
        column += 2;
        start = end + 1;
      }
      if (ch != 0) {
        spaces = ch == ' ';
        breaks = ScalarRules.isBreak(ch);
      }
    }
    indicator("'", false, false, false);
  }

  private void doubleQuoted(String text, boolean fold) {
    indicator("\"", true, false, false);
    int start = 0;
    int length = text.length();
    for (int end = 0; end <= length; end++) {
      boolean atEnd = end == length;
      char ch = atEnd ? 0 : text.charAt(end);
      if (atEnd || ScalarRules.escapedInDoubleQuotes(ch)) {
        if (start < end) {
          text(text, start, end);
          start = end;
        }
        if (!atEnd) {
          int codePoint = ScalarRules.codePointAt(text, end);
          String escape = ScalarRules.escape(ch, codePoint);
          if (Character.charCount(codePoint) == 2) {
            end++; // both chars of a pair are written (or escaped) at once
          }
          out.append(escape);
          column += escape.length();
          start = end + 1;
        }
      }
      boolean breakable = (ch == ' ' && !atEnd) || start >= end;
      if (fold && 0 < end && end < length - 1 && breakable && column + (end - start) > WIDTH) {
        if (start < end) {
          text(text, start, end);
          start = end;
        }
        out.append('\\');
        column++;
        writeIndent();
        whitespace = false;
        indention = false;
        if (text.charAt(start) == ' ') {
          out.append('\\');
          column++;
        }
      }
    }
    indicator("\"", false, false, false);
  }

  private void literal(String text) {
    indicator("|" + ScalarRules.blockHints(text, STEP), true, false, false);
    lineBreak();
    int start = 0;
    boolean breaks = true;
    for (int end = 0; end <= text.length(); end++) {
      char ch = end < text.length() ? text.charAt(end) : 0;
      if (breaks) {
        if (ch == 0 || !ScalarRules.isBreak(ch)) {
          lineBreaks(text, start, end);
          if (ch != 0) {
            writeIndent();
          }
          start = end;
        }
      } else if (ch == 0 || ScalarRules.isBreak(ch)) {
        // The emitter does not count these characters in the column; neither do we.
        out.append(text, start, end);
        if (ch == 0) {
          lineBreak();
        }
        start = end;
      }
      if (ch != 0) {
        breaks = ScalarRules.isBreak(ch);
      }
    }
  }

  /** The styles a scalar can be written in. */
  enum Style {
    PLAIN,
    SINGLE_QUOTED,
    DOUBLE_QUOTED,
    LITERAL
  }
}
