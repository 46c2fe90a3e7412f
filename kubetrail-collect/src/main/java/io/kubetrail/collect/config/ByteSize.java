package io.kubetrail.collect.config;

import java.util.Locale;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Sizes as a configuration gives them: {@code 1073741824}, {@code 512MiB}, {@code 1Gi}, {@code 64
 * KiB}.
 */
final class ByteSize {
  private static final Pattern SIZE =
      Pattern.compile("\\s*(\\d{1,19})\\s*(|B|KiB|MiB|GiB|TiB|Ki|Mi|Gi|Ti)\\s*");

  private ByteSize() {}

  /** The bytes {@code text} says; empty when it is not a size or too large. */
  static Optional<Long> parse(String text) {
    Matcher m = SIZE.matcher(text);
    if (!m.matches()) {
      return Optional.empty();
    }
    int shift =
        switch (m.group(2).toLowerCase(Locale.ROOT)) {
          case "kib", "ki" -> 10;
          case "mib", "mi" -> 20;
          case "gib", "gi" -> 30;
          case "tib", "ti" -> 40;
          default -> 0;
        };
    try {
      long n = Long.parseLong(m.group(1));
      if (n > (Long.MAX_VALUE >> shift)) {
        return Optional.empty();
      }
      return Optional.of(n << shift);
    } catch (NumberFormatException e) {
      return Optional.empty();
    }
  }
}
