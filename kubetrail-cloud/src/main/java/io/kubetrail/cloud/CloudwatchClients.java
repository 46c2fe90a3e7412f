package io.kubetrail.cloud;

import io.kubetrail.collect.config.CollectorConfig;
import java.io.IOException;
import java.util.function.Supplier;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.awscore.retry.AwsRetryStrategy;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.cloudwatchlogs.CloudWatchLogsClient;

/** CloudWatch Logs clients as a configuration names them. */
final class CloudwatchClients {
  private CloudwatchClients() {}

  /**
   * Makes a client for each run of the source; the Secret is read once, now.
   *
   * @throws IOException when the Secret cannot be read
   */
  static Supplier<CloudWatchLogsClient> supplier(CollectorConfig.EksCloudwatchLog config)
      throws IOException {
    AwsCredentialsProvider credentials =
        config.credentialsSecret().isPresent()
            ? StaticCredentialsProvider.create(AwsSecret.read(config.credentialsSecret().get()))
            : DefaultCredentialsProvider.builder().build();
    return () -> {
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
