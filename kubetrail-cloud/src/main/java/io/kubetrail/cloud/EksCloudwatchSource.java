package io.kubetrail.cloud;

import io.kubetrail.collect.Source;
import io.kubetrail.collect.SourceContext;
import io.kubetrail.collect.SourceWriter;
import io.kubetrail.collect.config.CollectorConfig;
import io.kubetrail.event.AuditDecodeException;
import io.kubetrail.event.AuditEventReader;
import io.kubetrail.event.SourcePosition;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.cloudwatchlogs.CloudWatchLogsClient;
import software.amazon.awssdk.services.cloudwatchlogs.model.DescribeLogStreamsRequest;
import software.amazon.awssdk.services.cloudwatchlogs.model.DescribeLogStreamsResponse;
import software.amazon.awssdk.services.cloudwatchlogs.model.GetLogEventsRequest;
import software.amazon.awssdk.services.cloudwatchlogs.model.GetLogEventsResponse;
import software.amazon.awssdk.services.cloudwatchlogs.model.InvalidParameterException;
import software.amazon.awssdk.services.cloudwatchlogs.model.LogStream;
import software.amazon.awssdk.services.cloudwatchlogs.model.OutputLogEvent;
import software.amazon.awssdk.services.cloudwatchlogs.model.ResourceNotFoundException;

/**
 * EKS audit events drained from CloudWatch Logs: what {@code kubetrail collect} reads for {@code
 * sources: - eksCloudwatchLog: {...}}, configured as Calico's {@code eksCloudwatchLog}.
 *
 * <p>Every fetch interval it lists every stream of the group with the prefix (all pages of them),
 * then drains each stream completely, page after page of {@code GetLogEvents}, until CloudWatch
 * hands back the token it was given or a page is less than full (the stream's end, for now). Each
 * page's events are handed to the pipeline with the stream's position after them, committed
 * together, so a restart resumes each stream after the last event stored: no gap and no duplicate.
 * A position holds the forward token and, for when the token has expired (after 24 hours), the last
 * event's timestamp and how many events of that millisecond were read.
 *
 * <p>Each event's message is one audit Event. A message CloudWatch cut short (it ends in {@code
 * [Truncated...]}: over CloudWatch's 256 KB limit) and a message that is no valid event are
 * rejected into the dead letters with their stream and timestamp. Throttling ({@code
 * ThrottlingException}) and server errors are retried after growing pauses for as long as they
 * last; any other failure ends the run, and the collector starts the source again, keeping the
 * positions this run reached.
 */
public final class EksCloudwatchSource implements Source {
  static final String TRUNCATED = "[Truncated...]";
  // CloudWatch's limits: a GetLogEvents page holds at most 10,000 events or 1 MB, counting each
  // event's UTF-8 message plus 26 bytes; an event is at most 256 KB.
  static final int MAX_PAGE_EVENTS = 10_000;
  private static final long MAX_PAGE_BYTES = 1_048_576;
  private static final long MAX_EVENT_BYTES = 262_144;
  private static final long EVENT_OVERHEAD_BYTES = 26;

  /**
   * How often, how much at a time and how patiently it reads.
   *
   * @param fetchInterval the pause between two drains of every stream
   * @param firstBackoff the first pause after a throttled call; doubled up to {@code maxBackoff}
   * @param pageEvents the events asked for in one {@code GetLogEvents} call, 1 to {@value
   *     #MAX_PAGE_EVENTS} (the default)
   */
  public record Options(
      Duration fetchInterval, Duration firstBackoff, Duration maxBackoff, int pageEvents) {
    public static final Duration DEFAULT_FIRST_BACKOFF = Duration.ofMillis(200);
    public static final Duration DEFAULT_MAX_BACKOFF = Duration.ofSeconds(30);

    public Options {
      Objects.requireNonNull(fetchInterval, "fetchInterval");
      Objects.requireNonNull(firstBackoff, "firstBackoff");
      Objects.requireNonNull(maxBackoff, "maxBackoff");
      if (fetchInterval.toMillis() < 1 || firstBackoff.toMillis() < 1) {
        throw new IllegalArgumentException(
            "fetchInterval and firstBackoff must be at least 1 ms, were "
                + fetchInterval
                + " and "
                + firstBackoff);
      }
      if (pageEvents < 1 || pageEvents > MAX_PAGE_EVENTS) {
        throw new IllegalArgumentException(
            "pageEvents must be 1 to " + MAX_PAGE_EVENTS + ", was " + pageEvents);
      }
    }

    /** The options a configuration gives: its fetch interval, the defaults otherwise. */
    public static Options of(CollectorConfig.EksCloudwatchLog config) {
      return new Options(
          Duration.ofSeconds(config.fetchIntervalSeconds()),
          DEFAULT_FIRST_BACKOFF,
          DEFAULT_MAX_BACKOFF,
          MAX_PAGE_EVENTS);
    }

    public Options withFetchInterval(Duration value) {
      return new Options(value, firstBackoff, maxBackoff, pageEvents);
    }

    public Options withBackoff(Duration first, Duration max) {
      return new Options(fetchInterval, first, max, pageEvents);
    }

    public Options withPageEvents(int value) {
      return new Options(fetchInterval, firstBackoff, maxBackoff, value);
    }
  }

  private final CollectorConfig.EksCloudwatchLog config;
  private final Options options;
  private final CloudwatchClients.Factory clients;
  // Where this source has read each stream to, across restarts by the collector.
  private final Map<String, StreamPosition> positions = new HashMap<>();
  private final AtomicLong throttled = new AtomicLong();
  private final AtomicLong drains = new AtomicLong();
  private volatile long streams;

  private EksCloudwatchSource(
      CollectorConfig.EksCloudwatchLog config, Options options, CloudwatchClients.Factory clients) {
    this.config = config;
    this.options = options;
    this.clients = clients;
  }

  /**
   * The source a configuration names, with its fetch interval. Its credentials are read when it
   * runs, each time it is started.
   */
  public static EksCloudwatchSource of(CollectorConfig.EksCloudwatchLog config) {
    return of(config, Options.of(config));
  }

  /** The source with other options (tests and benchmarks poll faster than once a second). */
  public static EksCloudwatchSource of(CollectorConfig.EksCloudwatchLog config, Options options) {
    Objects.requireNonNull(config, "config");
    Objects.requireNonNull(options, "options");
    return new EksCloudwatchSource(config, options, CloudwatchClients.factory(config));
  }

  @Override
  public String name() {
    return "cloudwatch:" + config.region() + ":" + config.groupName();
  }

  /** Calls CloudWatch throttled so far. */
  public long throttled() {
    return throttled.get();
  }

  /** Drains of every stream completed so far. */
  public long drains() {
    return drains.get();
  }

  /** Streams found by the last listing. */
  public long streams() {
    return streams;
  }

  @Override
  public void run(SourceContext context) throws IOException, InterruptedException {
    SourceWriter writer = context.writer();
    try (CloudWatchLogsClient client = clients.open()) {
      Reading reading = new Reading(client, context, writer);
      while (!context.stopping()) {
        List<String> names = reading.streams();
        streams = names.size();
        for (String stream : names) {
          if (context.stopping()) {
            break;
          }
          try {
            reading.drain(stream);
          } catch (ResourceNotFoundException e) {
            // Deleted since it was listed (its retention ran out): nothing more to read in it.
          }
        }
        writer.flush();
        if (!context.stopping()) {
          drains.incrementAndGet();
        }
        context.awaitStop(options.fetchInterval().toMillis());
      }
    } catch (SdkException e) {
      throw new IOException("CloudWatch Logs: " + e.getMessage(), e);
    } finally {
      writer.flush();
    }
  }

  /** One run's reading, with its client. */
  private final class Reading {
    private final CloudWatchLogsClient client;
    private final SourceContext context;
    private final SourceWriter writer;
    private final String scope;

    Reading(CloudWatchLogsClient client, SourceContext context, SourceWriter writer) {
      this.client = client;
      this.context = context;
      this.writer = writer;
      this.scope = context.positionScope();
    }

    /** Every stream with the prefix, all pages of them. */
    List<String> streams() throws IOException, InterruptedException {
      List<String> names = new ArrayList<>();
      Optional<String> token = Optional.empty();
      do {
        DescribeLogStreamsRequest.Builder request =
            DescribeLogStreamsRequest.builder().logGroupName(config.groupName());
        if (!config.streamPrefix().isEmpty()) {
          request.logStreamNamePrefix(config.streamPrefix());
        }
        token.ifPresent(request::nextToken);
        DescribeLogStreamsResponse page = call(() -> client.describeLogStreams(request.build()));
        if (page == null) {
          return names; // stopping
        }
        page.logStreams().stream().map(LogStream::logStreamName).forEach(names::add);
        token = Optional.ofNullable(page.nextToken()).filter(t -> !t.isEmpty());
      } while (token.isPresent());
      return names;
    }

    /** Reads a stream to its end, page by page, each page committed with the position after it. */
    void drain(String stream) throws IOException, InterruptedException {
      String key =
          "cloudwatch:" + scope + ":" + config.region() + ":" + config.groupName() + ":" + stream;
      StreamPosition position =
          Optional.ofNullable(positions.get(key))
              .or(() -> context.checkpoint(key).flatMap(StreamPosition::parse))
              .orElse(StreamPosition.START);
      // Where the next page starts: a token, or else the last event's time. Resumed by time, the
      // first events of that millisecond were read before and are skipped.
      Optional<String> cursor = position.token();
      long toSkip = cursor.isEmpty() ? position.atTimestamp() : 0;
      while (!context.stopping()) {
        Optional<String> sent = cursor;
        GetLogEventsResponse page;
        try {
          page = page(stream, sent, position.timestamp());
        } catch (InvalidParameterException e) {
          if (sent.isEmpty()) {
            throw e;
          }
          // The token expired (or the stream was made anew): go on from the last event's time.
          cursor = Optional.empty();
          toSkip = position.atTimestamp();
          continue;
        }
        if (page == null) {
          return; // stopping
        }
        StreamPosition reached = position;
        for (OutputLogEvent event : page.events()) {
          long at = event.timestamp();
          if (toSkip > 0 && at == position.timestamp()) {
            toSkip--;
            continue;
          }
          toSkip = 0;
          reached = reached.after(at);
          take(stream, event, reached.atTimestamp());
        }
        Optional<String> next = Optional.ofNullable(page.nextForwardToken()).or(() -> sent);
        cursor = next;
        // A token is kept only past every event of the resumed millisecond read before: one in
        // the midst of them would have a restart read the rest of them again.
        position = reached.withToken(toSkip > 0 ? Optional.empty() : next);
        positions.put(key, position);
        writer.checkpoint(key, position.toCheckpoint());
        if (writer.full(1)) {
          writer.flush();
        }
        if (page.events().isEmpty()
            || next.isEmpty()
            || next.equals(sent)
            || (toSkip == 0 && lastPage(page))) {
          return; // the end of the stream, for now
        }
      }
    }

    /**
     * True when the page ended because the stream did: fewer events than a page holds, and room
     * left for the largest event. Asking again would only hand back the same token.
     */
    private boolean lastPage(GetLogEventsResponse page) {
      long bytes = 0;
      for (OutputLogEvent e : page.events()) {
        bytes +=
            (e.message() == null ? 0 : e.message().getBytes(StandardCharsets.UTF_8).length)
                + EVENT_OVERHEAD_BYTES;
      }
      return page.events().size() < options.pageEvents()
          && bytes + MAX_EVENT_BYTES + EVENT_OVERHEAD_BYTES <= MAX_PAGE_BYTES;
    }

    /** The page at {@code token}, or else from {@code timestamp} (from the start if -1). */
    private GetLogEventsResponse page(String stream, Optional<String> token, long timestamp)
        throws IOException, InterruptedException {
      GetLogEventsRequest.Builder request =
          GetLogEventsRequest.builder()
              .logGroupName(config.groupName())
              .logStreamName(stream)
              .limit(options.pageEvents())
              .startFromHead(true);
      if (token.isPresent()) {
        request.nextToken(token.get());
      } else if (timestamp >= 0) {
        request.startTime(timestamp);
      }
      return call(() -> client.getLogEvents(request.build()));
    }

    private void take(String stream, OutputLogEvent event, long ordinal) {
      String message = event.message() == null ? "" : event.message();
      SourcePosition where =
          new SourcePosition(
              config.groupName() + "/" + stream + "@" + Instant.ofEpochMilli(event.timestamp()),
              ordinal);
      if (message.stripTrailing().endsWith(TRUNCATED)) {
        writer.reject(
            where,
            "CloudWatch Logs cut this event short ("
                + TRUNCATED
                + "): it was over CloudWatch's"
                + " 256 KB limit for an event, and what is left is no event",
            Optional.of(message));
        return;
      }
      try {
        writer.accept(
            AuditEventReader.decode(
                message.getBytes(StandardCharsets.UTF_8), context.options().limits()));
      } catch (AuditDecodeException e) {
        writer.reject(where, e.getMessage(), Optional.of(message));
      }
    }

    /** Calls CloudWatch, retrying throttling and server errors after growing pauses. */
    private <T> T call(Supplier<T> request) throws IOException, InterruptedException {
      long pause = options.firstBackoff().toMillis();
      while (true) {
        try {
          return request.get();
        } catch (AwsServiceException e) {
          if (!e.isThrottlingException() && e.statusCode() < 500) {
            throw e;
          }
          if (e.isThrottlingException()) {
            throttled.incrementAndGet();
          }
        }
        if (context.awaitStop(pause + ThreadLocalRandom.current().nextLong(pause / 2 + 1))) {
          return null;
        }
        pause = Math.min(options.maxBackoff().toMillis(), pause * 2);
      }
    }
  }
}
