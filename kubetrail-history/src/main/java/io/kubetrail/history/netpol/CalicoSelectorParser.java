package io.kubetrail.history.netpol;

import io.kubetrail.history.netpol.CalicoSelector.Node;
import io.kubetrail.history.netpol.CalicoSelector.Operator;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * A recursive-descent parser of Calico's selector syntax: {@code or := and ('||' and)*}, {@code and
 * := unary ('&&' unary)*}, {@code unary := '!' unary | '(' or ')' | term}. Label keys are Calico's:
 * letters, digits and {@code _ . / -}.
 */
final class CalicoSelectorParser {
  private final String text;
  private int at;

  CalicoSelectorParser(String text) {
    this.text = text;
  }

  Node parse() {
    Node n = or();
    space();
    if (at < text.length()) {
      throw bad("an operator (&& or ||) or the end");
    }
    return n;
  }

  private Node or() {
    List<Node> operands = new ArrayList<>(List.of(and()));
    while (take("||")) {
      operands.add(and());
    }
    return operands.size() == 1 ? operands.get(0) : new Node.Or(operands);
  }

  private Node and() {
    List<Node> operands = new ArrayList<>(List.of(unary()));
    while (take("&&")) {
      operands.add(unary());
    }
    return operands.size() == 1 ? operands.get(0) : new Node.And(operands);
  }

  private Node unary() {
    if (take("!")) {
      return new Node.Not(unary());
    }
    if (take("(")) {
      Node n = or();
      expect(")");
      return n;
    }
    if (takeCall("all")) {
      expect(")");
      return new Node.All();
    }
    if (takeCall("global")) {
      expect(")");
      return new Node.All();
    }
    if (takeCall("has")) {
      String key = key();
      expect(")");
      return new Node.Has(key);
    }
    return comparison(key());
  }

  private Node comparison(String key) {
    if (take("==")) {
      return new Node.Compare(key, Operator.EQUALS, Set.of(string()));
    }
    if (take("!=")) {
      return new Node.Compare(key, Operator.NOT_EQUALS, Set.of(string()));
    }
    if (takeWord("in")) {
      return new Node.Compare(key, Operator.IN, set());
    }
    if (takeWord("not") && takeWord("in")) {
      return new Node.Compare(key, Operator.NOT_IN, set());
    }
    if (takeWord("contains")) {
      return new Node.Compare(key, Operator.CONTAINS, Set.of(string()));
    }
    if (takeWord("starts") && takeWord("with")) {
      return new Node.Compare(key, Operator.STARTS_WITH, Set.of(string()));
    }
    if (takeWord("ends") && takeWord("with")) {
      return new Node.Compare(key, Operator.ENDS_WITH, Set.of(string()));
    }
    throw bad("an operator after the label " + key + " (==, !=, in, not in, contains, ...)");
  }

  private Set<String> set() {
    expect("{");
    Set<String> values = new LinkedHashSet<>();
    if (take("}")) {
      return values;
    }
    do {
      values.add(string());
    } while (take(","));
    expect("}");
    return values;
  }

  private String string() {
    space();
    if (at >= text.length() || (text.charAt(at) != '\'' && text.charAt(at) != '"')) {
      throw bad("a quoted string");
    }
    char quote = text.charAt(at);
    int end = text.indexOf(quote, at + 1);
    if (end < 0) {
      throw bad("the closing " + quote);
    }
    String s = text.substring(at + 1, end);
    at = end + 1;
    return s;
  }

  private String key() {
    space();
    int start = at;
    while (at < text.length() && isKeyChar(text.charAt(at))) {
      at++;
    }
    if (start == at) {
      throw bad("a label name, has(..), all() or (");
    }
    return text.substring(start, at);
  }

  private static boolean isKeyChar(char c) {
    return (c >= 'a' && c <= 'z')
        || (c >= 'A' && c <= 'Z')
        || (c >= '0' && c <= '9')
        || c == '_'
        || c == '.'
        || c == '/'
        || c == '-';
  }

  /** Takes {@code name(}; leaves the position when absent, so a label may be named so. */
  private boolean takeCall(String name) {
    int start = at;
    if (takeWord(name) && take("(")) {
      return true;
    }
    at = start;
    return false;
  }

  /** Takes a keyword not followed by more key characters; leaves the position when absent. */
  private boolean takeWord(String word) {
    space();
    int end = at + word.length();
    if (text.startsWith(word, at) && (end >= text.length() || !isKeyChar(text.charAt(end)))) {
      at = end;
      return true;
    }
    return false;
  }

  private boolean take(String token) {
    space();
    if (text.startsWith(token, at)) {
      at += token.length();
      return true;
    }
    return false;
  }

  private void expect(String token) {
    if (!take(token)) {
      throw bad("'" + token + "'");
    }
  }

  private void space() {
    while (at < text.length() && Character.isWhitespace(text.charAt(at))) {
      at++;
    }
  }

  private IllegalArgumentException bad(String expected) {
    return new IllegalArgumentException(
        "selector " + quoted() + ": expected " + expected + " at position " + (at + 1));
  }

  private String quoted() {
    return "\"" + text + "\"";
  }
}
