package io.kubetrail.collect.config;

import io.kubetrail.collect.DirectorySource;
import io.kubetrail.collect.FollowedFileSource;
import io.kubetrail.collect.Sink;
import io.kubetrail.collect.Source;
import io.kubetrail.collect.forward.ForwardingOptions;
import io.kubetrail.collect.forward.ForwardingSink;
import io.kubetrail.collect.webhook.WebhookSource;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/** The sources and the forwarding sink a configuration names, made ready to run. */
public final class ConfiguredSources {
  private ConfiguredSources() {}

  /**
   * One source per entry of {@code sources}, in order.
   *
   * @throws IllegalArgumentException for a source only another module builds (an {@code
   *     eksCloudwatchLog}): use {@link #of(CollectorConfig, SourceFactory)}
   */
  public static List<Source> of(CollectorConfig config) throws IOException {
    return of(config, SourceFactory.NONE);
  }

  /** One source per entry of {@code sources}, in order; {@code cloud} builds the cloud sources. */
  public static List<Source> of(CollectorConfig config, SourceFactory cloud) throws IOException {
    List<Source> list = new ArrayList<>();
    for (CollectorConfig.SourceConfig s : config.sources()) {
      if (s instanceof CollectorConfig.FileSource f) {
        list.add(
            FollowedFileSource.of(
                f.path(),
                FollowedFileSource.Options.defaults().withPoll(Duration.ofMillis(f.pollMillis()))));
      } else if (s instanceof CollectorConfig.WebhookSource w) {
        list.add(new WebhookSource(w.options()));
      } else if (s instanceof CollectorConfig.DirectorySource d) {
        list.add(DirectorySource.of(d.path(), d.format(), Duration.ofMillis(d.pollMillis())));
      } else if (s instanceof CollectorConfig.EksCloudwatchLog e) {
        list.add(cloud.eksCloudwatchLog(e));
      }
    }
    return list;
  }

  /** The sink that forwards to a central kubetrail, as the configuration's {@code forward} says. */
  public static Sink forwarding(CollectorConfig.Forward f) throws IOException {
    ForwardingOptions o = ForwardingOptions.to(f.url(), f.positions());
    if (f.ca().isPresent()) {
      o = o.withCaFile(f.ca().get());
    }
    if (f.tokenFile().isPresent()) {
      o = o.withTokenFile(f.tokenFile().get());
    }
    return ForwardingSink.create(o);
  }
}
