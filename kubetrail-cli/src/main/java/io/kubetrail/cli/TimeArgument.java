package io.kubetrail.cli;

import io.kubetrail.event.TimeText;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.TypeConversionException;

/** Picocli converters for time and duration options; the forms are {@link TimeText}'s. */
final class TimeArgument {
  static final String INSTANT_FORMS = TimeText.INSTANT_FORMS;
  static final String DURATION_FORMS = TimeText.DURATION_FORMS;

  private TimeArgument() {}

  /** Converter for instant options; reads the clock when the option is parsed. */
  static final class InstantConverter implements ITypeConverter<Instant> {
    private final Clock clock;

    InstantConverter() {
      this(Clock.systemUTC());
    }

    InstantConverter(Clock clock) {
      this.clock = clock;
    }

    @Override
    public Instant convert(String value) {
      try {
        return TimeText.parseInstant(value, clock.instant());
      } catch (IllegalArgumentException e) {
        throw new TypeConversionException(e.getMessage());
      }
    }
  }

  /** Converter for duration options. */
  static final class DurationConverter implements ITypeConverter<Duration> {
    @Override
    public Duration convert(String value) {
      try {
        return TimeText.parseDuration(value);
      } catch (IllegalArgumentException e) {
        throw new TypeConversionException(e.getMessage());
      }
    }
  }
}
