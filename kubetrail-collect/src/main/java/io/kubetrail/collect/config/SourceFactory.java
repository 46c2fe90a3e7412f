package io.kubetrail.collect.config;

import io.kubetrail.collect.Source;
import java.io.IOException;

/**
 * Builds the sources that live in modules this one does not depend on: the cloud sources, whose
 * SDKs nothing else should carry. {@code kubetrail-cloud} implements it; the CLI hands it to {@link
 * ConfiguredSources#of(CollectorConfig, SourceFactory)}.
 */
public interface SourceFactory {

  /** Builds no cloud source: for programs without {@code kubetrail-cloud}. */
  SourceFactory NONE =
      config -> {
        throw new IllegalArgumentException(
            "eksCloudwatchLog sources need kubetrail-cloud, which this program does not include");
      };

  /**
   * The source draining an EKS cluster's audit log group.
   *
   * @throws IOException when its credentials cannot be read
   */
  Source eksCloudwatchLog(CollectorConfig.EksCloudwatchLog config) throws IOException;
}
