package io.kubetrail.cloud;

import io.kubetrail.collect.Source;
import io.kubetrail.collect.config.CollectorConfig;
import io.kubetrail.collect.config.SourceFactory;

/** Builds the cloud sources a collector configuration names. */
public final class CloudSources implements SourceFactory {

  @Override
  public Source eksCloudwatchLog(CollectorConfig.EksCloudwatchLog config) {
    return EksCloudwatchSource.of(config);
  }
}
