package io.kubetrail.cli;

import io.kubetrail.event.DecodeLimits;
import picocli.CommandLine.Option;

/** The decoding limits every command that reads audit events accepts. */
final class DecodeOptions {
  @Option(
      names = DecodeLimits.MAX_EVENT_BYTES_SETTING,
      paramLabel = "BYTES",
      description = "Largest event accepted (default: ${DEFAULT-VALUE}).")
  int maxEventBytes = DecodeLimits.DEFAULT_MAX_EVENT_BYTES;

  @Option(
      names = DecodeLimits.MAX_LINE_BYTES_SETTING,
      paramLabel = "BYTES",
      description = "Longest JSON Lines line read (default: ${DEFAULT-VALUE}).")
  int maxLineBytes = DecodeLimits.DEFAULT_MAX_LINE_BYTES;

  @Option(
      names = DecodeLimits.MAX_NESTING_DEPTH_SETTING,
      paramLabel = "N",
      description =
          "Deepest nesting of objects and arrays in an event (default: ${DEFAULT-VALUE}).")
  int maxNestingDepth = DecodeLimits.DEFAULT_MAX_NESTING_DEPTH;

  DecodeLimits limits() {
    try {
      return DecodeLimits.builder()
          .maxEventBytes(maxEventBytes)
          .maxLineBytes(maxLineBytes)
          .maxNestingDepth(maxNestingDepth)
          .build();
    } catch (IllegalArgumentException e) {
      throw new UsageException(e.getMessage(), e);
    }
  }
}
