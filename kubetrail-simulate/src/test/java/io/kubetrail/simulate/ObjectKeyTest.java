package io.kubetrail.simulate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

class ObjectKeyTest {

  @Test
  void sortsByGroupResourceNamespaceName() {
    ObjectKey pod = new ObjectKey("", "pods", "shop", "web-1");
    ObjectKey otherNamespace = new ObjectKey("", "pods", "ci", "z");
    ObjectKey namespace = new ObjectKey("", "namespaces", "", "shop");
    ObjectKey policy = new ObjectKey("networking.k8s.io", "networkpolicies", "shop", "a");
    ObjectKey deployment = new ObjectKey("apps", "deployments", "shop", "web");
    assertThat(new TreeSet<>(List.of(policy, pod, deployment, otherNamespace, namespace)))
        .containsExactly(namespace, otherNamespace, pod, deployment, policy);
  }

  @Test
  void needsAResourceAndAName() {
    assertThatThrownBy(() -> new ObjectKey("", "", "a", "b"))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new ObjectKey("", "pods", "a", ""))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new ObjectKey(null, "pods", "a", "b"))
        .isInstanceOf(NullPointerException.class);
  }

  @Test
  void readsAsResourceDotGroupAndPath() {
    assertThat(new ObjectKey("networking.k8s.io", "networkpolicies", "shop", "a"))
        .hasToString("networkpolicies.networking.k8s.io shop/a");
    assertThat(new ObjectKey("", "namespaces", "", "shop")).hasToString("namespaces shop");
  }
}
