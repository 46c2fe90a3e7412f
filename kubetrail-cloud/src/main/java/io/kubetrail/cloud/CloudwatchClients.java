package io.kubetrail.cloud;

import io.kubetrail.collect.config.CollectorConfig;
import java.io.IOException;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.awscore.retry.AwsRetryStrategy;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.cloudwatchlogs.CloudWatchLogsClient;

/** CloudWatch Logs clients as a configuration names them. */
final class CloudwatchClients {

  /** Opens a client for one run of the source. */
  interface Factory {
    CloudWatchLogsClient open() throws IOException;
  }

  private CloudwatchClients() {}

  /**
   * Opens clients that read the credentials Secret anew each time: a run that fails on a missing or
   * rotated key takes the Secret as it is when the collector starts the source again.
   */
  static Factory factory(CollectorConfig.EksCloudwatchLog config) {
    return () -> {
      AwsCredentialsProvider credentials =
          config.credentialsSecret().isPresent()
              ? StaticCredentialsProvider.create(AwsSecret.read(config.credentialsSecret().get()))
              : DefaultCredentialsProvider.builder().build();
      var builder =
          CloudWatchLogsClient.builder()
              .region(Region.of(config.region()))
              .credentialsProvider(credentials)
              .httpClient(UrlConnectionHttpClient.create())
              // Retries are the source's own: throttling waits as long as it lasts.
              .overrideConfiguration(o -> o.retryStrategy(AwsRetryStrategy.doNotRetry()));
      config.endpoint().ifPresent(builder::endpointOverride);
      return builder.build();
    };
  }
}
