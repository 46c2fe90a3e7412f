package io.kubetrail.store;

import static io.kubetrail.store.TestEvents.event;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Optional;
import org.junit.jupiter.api.Test;

class ObjectKeyTest {

  @Test
  void keyComesFromObjectRef() {
    StoredEvent e = event("a").object("apps", "deployments", "shop", "api").build();
    assertThat(ObjectKey.of(e)).hasValue(new ObjectKey("apps", "deployments", "shop", "api"));
  }

  @Test
  void subresourcesBelongToTheirObject() {
    StoredEvent e = event("a").object("", "pods", "default", "web").subresource("status").build();
    assertThat(ObjectKey.of(e)).hasValue(new ObjectKey("", "pods", "default", "web"));
  }

  @Test
  void aCreateByGenerateNameIsKeyedByTheEnrichedName() {
    StoredEvent e = event("a").object("", "pods", "default", "").name("web-x7k2p").build();
    assertThat(ObjectKey.of(e)).hasValue(new ObjectKey("", "pods", "default", "web-x7k2p"));
  }

  @Test
  void objectRefNameWinsOverTheEnrichedName() {
    StoredEvent e = event("a").object("", "pods", "default", "web").name("other").build();
    assertThat(ObjectKey.of(e)).hasValue(new ObjectKey("", "pods", "default", "web"));
  }

  @Test
  void aNamespaceIsClusterScopedThoughObjectRefNamesItsNamespace() {
    StoredEvent e = event("a").object("", "namespaces", "team-a", "team-a").build();
    assertThat(ObjectKey.of(e)).hasValue(new ObjectKey("", "namespaces", "", "team-a"));
  }

  @Test
  void eventsAboutNoSingleObjectHaveNoKey() {
    assertThat(ObjectKey.of(event("a").nonResource().build())).isEmpty();
    assertThat(ObjectKey.of(event("a").verb("list").object("", "pods", "default", "").build()))
        .isEmpty();
    assertThat(ObjectKey.of(event("a").object("", "pods", "default", "").name("-").build()))
        .isEqualTo(Optional.empty());
  }

  @Test
  void resourceAndNameAreRequired() {
    assertThatThrownBy(() -> new ObjectKey("", "", "ns", "n"))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new ObjectKey("", "pods", "ns", ""))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void printsLikeKubectl() {
    assertThat(new ObjectKey("apps", "deployments", "shop", "api"))
        .hasToString("deployments.apps/shop/api");
    assertThat(new ObjectKey("", "namespaces", "", "team-a")).hasToString("namespaces/team-a");
  }
}
