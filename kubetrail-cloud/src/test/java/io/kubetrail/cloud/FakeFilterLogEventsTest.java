package io.kubetrail.cloud;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.cloudwatchlogs.CloudWatchLogsClient;
import software.amazon.awssdk.services.cloudwatchlogs.model.FilterLogEventsRequest;
import software.amazon.awssdk.services.cloudwatchlogs.model.FilteredLogEvent;

/**
 * The fake's {@code FilterLogEvents}, which the IAM policy of {@code deploy/eks} grants, as the
 * real SDK pages through it: every event of the streams with the prefix, oldest first, across pages
 * and throttled calls (which the SDK's standard retries absorb).
 */
class FakeFilterLogEventsTest {
  private static final long BASE_MILLIS = 1_767_225_600_000L;

  @Test
  void theSdkPagesThroughEveryMatchingEventOldestFirst() throws Exception {
    try (FakeCloudwatchLogs fake = FakeCloudwatchLogs.start("/aws/eks/demo/cluster", 7);
        CloudWatchLogsClient client =
            CloudWatchLogsClient.builder()
                .region(Region.US_WEST_2)
                .credentialsProvider(
                    StaticCredentialsProvider.create(AwsBasicCredentials.create("id", "key")))
                .httpClient(UrlConnectionHttpClient.create())
                .endpointOverride(fake.endpoint())
                .build()) {
      fake.put("kube-apiserver-audit-b", BASE_MILLIS + 1, List.of("b1", "b2"));
      fake.put("kube-apiserver-audit-a", BASE_MILLIS, List.of("a1", "a2", "a3"));
      fake.put("kube-apiserver-audit-a", BASE_MILLIS + 2, List.of("a4"));
      fake.put("authenticator-x", BASE_MILLIS, List.of("not audit"));
      fake.pageEvents(2);
      fake.throttleNext(2);

      List<String> messages = new ArrayList<>();
      int pages = 0;
      for (var page :
          client.filterLogEventsPaginator(
              FilterLogEventsRequest.builder()
                  .logGroupName("/aws/eks/demo/cluster")
                  .logStreamNamePrefix("kube-apiserver-audit-")
                  .build())) {
        pages++;
        page.events().stream().map(FilteredLogEvent::message).forEach(messages::add);
      }

      assertThat(messages).containsExactly("a1", "a2", "a3", "b1", "b2", "a4");
      assertThat(pages).isEqualTo(3);
      assertThat(fake.throttledCalls()).isEqualTo(2);
    }
  }
}
