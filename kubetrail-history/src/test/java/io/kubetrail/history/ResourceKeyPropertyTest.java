package io.kubetrail.history;

import static org.assertj.core.api.Assertions.assertThat;

import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.EdgeCasesMode;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/**
 * ResourceKey and ResourceType write their equals and hashCode out: they must agree with the
 * methods a record generates, whose hash decides the order maps of keys are iterated in, and so
 * what reports list when they go through such a map.
 */
class ResourceKeyPropertyTest {
  /** The same components as ResourceKey, with the methods the JDK generates. */
  private record GeneratedKey(ResourceType type, String namespace, String name) {}

  /** The same components as ResourceType, with the methods the JDK generates. */
  private record GeneratedType(String group, String resource) {}

  @Provide
  Arbitrary<String> parts() {
    return Arbitraries.of("", "apps", "pods", "namespaces", "ns-1", "a", "b", "app-0-13");
  }

  @Property(tries = 500, edgeCases = EdgeCasesMode.NONE)
  void equalsAndHashAgreeWithGeneratedOnes(
      @ForAll("parts") String group,
      @ForAll("parts") String namespace,
      @ForAll("parts") String name,
      @ForAll("parts") String otherGroup,
      @ForAll("parts") String otherNamespace,
      @ForAll("parts") String otherName) {
    ResourceType type = new ResourceType(group, "r" + name);
    ResourceType other = new ResourceType(otherGroup, "r" + otherName);
    assertThat(type.hashCode())
        .isEqualTo(new GeneratedType(type.group(), type.resource()).hashCode());
    assertThat(type.equals(other))
        .isEqualTo(
            new GeneratedType(group, "r" + name)
                .equals(new GeneratedType(otherGroup, "r" + otherName)));

    ResourceKey a = new ResourceKey(type, namespace, name);
    // Other String instances: keys made from different events' bytes must still be equal.
    ResourceKey b = new ResourceKey(other, new String(otherNamespace), new String(otherName));
    GeneratedKey ga = new GeneratedKey(a.type(), a.namespace(), a.name());
    GeneratedKey gb = new GeneratedKey(b.type(), b.namespace(), b.name());
    assertThat(a.hashCode()).isEqualTo(ga.hashCode());
    assertThat(b.hashCode()).isEqualTo(gb.hashCode());
    assertThat(a.equals(b)).isEqualTo(ga.equals(gb));
    if (a.equals(b)) {
      assertThat(a.hashCode()).isEqualTo(b.hashCode());
    }
    assertThat(a).isEqualTo(new ResourceKey(type, new String(namespace), new String(name)));
    assertThat(a).isNotEqualTo(ga);
  }
}
