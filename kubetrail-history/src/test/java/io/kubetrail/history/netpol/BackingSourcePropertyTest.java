package io.kubetrail.history.netpol;

import static org.assertj.core.api.Assertions.assertThat;

import io.kubetrail.history.BodyLayout;
import io.kubetrail.history.LiveObject;
import io.kubetrail.history.ResourceKey;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Optional;
import java.util.Random;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;

/**
 * The bytes an Endpoints' or EndpointSlice's backing is read from: two bodies of the same shape
 * whose metadata differ (a resourceVersion, labels, a second metadata, escaped keys) either hold
 * the same {@link BackingScan#source} bytes and back the same pods, or not; and an Endpoints whose
 * only change is its metadata is known to be the same without being read.
 */
class BackingSourcePropertyTest {
  private static final ResourceKey ENDPOINTS = ResourceKey.parse("endpoints/ns/web");
  private static final ResourceKey SLICE =
      ResourceKey.parse("endpointslices.discovery.k8s.io/ns/web-x1");

  private static final String[] METADATA = {
    "{\"name\":\"web\",\"resourceVersion\":\"1\"}",
    "{\"name\":\"web\",\"resourceVersion\":\"2\"}",
    "{\"labels\":{\"kubernetes.io/service-name\":\"web\"},\"resourceVersion\":\"3\"}",
    "{\"resourceVersion\":\"4\",\"labels\":{\"kubernetes.io/service-name\":\"web\"}}",
    "{\"labels\":{\"kubernetes.io/service-name\":\"api\"}}",
    "{\"l\\u0061bels\":{\"kubernetes.io/service-name\":\"api\"}}",
    "{ \"labels\" : null }",
    "\"not an object\"",
  };

  private static final String[] TARGETS = {
    "[]",
    "[{\"targetRef\":{\"kind\":\"Pod\",\"name\":\"a\"}}]",
    "[{\"targetRef\":{\"kind\":\"Pod\",\"name\":\"b\",\"namespace\":\"other\"}}]",
    "[{\"targetRef\":{\"kind\":\"Pod\",\"name\":\"a\"}},{\"targetRef\":{\"kind\":\"Node\"}}]",
  };

  @Property(tries = 3000)
  void equalSourcesBackTheSamePods(@ForAll long seed) {
    Random random = new Random(seed);
    boolean slice = random.nextBoolean();
    ResourceKey key = slice ? SLICE : ENDPOINTS;
    long shape = random.nextLong();
    String a = body(new Random(shape), random, slice);
    String b = body(new Random(shape), random, slice);

    Optional<ByteRanges> sa = BackingScan.source(key.type(), bytes(a));
    Optional<ByteRanges> sb = BackingScan.source(key.type(), bytes(b));
    if (sa.isPresent() && sb.isPresent() && sa.get().sameAs(sb.get())) {
      assertThat(read(key, b)).as("%s against %s", b, a).isEqualTo(read(key, a));
    }
  }

  @Property(tries = 2000)
  void theSourceWhereReplayFoundThePartsIsTheScannedOne(@ForAll long seed) {
    Random random = new Random(seed);
    boolean slice = random.nextBoolean();
    ResourceKey key = slice ? SLICE : ENDPOINTS;
    byte[] json = bytes(body(random, random, slice));

    Optional<ByteRanges> scanned = BackingScan.source(key.type(), json);
    Optional<ByteRanges> laidOut = BackingScan.source(key.type(), json, BodyLayout.of(json));
    assertThat(laidOut.isPresent()).isEqualTo(scanned.isPresent());
    scanned.ifPresent(s -> assertThat(s.sameAs(laidOut.get())).isTrue());
  }

  @Property(tries = 200)
  void anEndpointsWhoseMetadataAloneChangedHasTheSameSource(@ForAll long seed) {
    Random random = new Random(seed);
    String subsets = "[{\"addresses\":" + TARGETS[random.nextInt(TARGETS.length)] + "}]";
    String a =
        "{\"kind\":\"Endpoints\",\"metadata\":" + pick(random) + ",\"subsets\":" + subsets + "}";
    String b =
        "{\"kind\":\"Endpoints\",\"metadata\":" + pick(random) + ",\"subsets\":" + subsets + "}";

    assertThat(
            BackingScan.source(ENDPOINTS.type(), bytes(a))
                .orElseThrow()
                .sameAs(BackingScan.source(ENDPOINTS.type(), bytes(b)).orElseThrow()))
        .isTrue();
  }

  /** Members in an order and of values {@code shape} picks, with metadata {@code meta} picks. */
  private static String body(Random shape, Random meta, boolean slice) {
    StringBuilder sb = new StringBuilder("{");
    int n = 1 + shape.nextInt(4);
    for (int i = 0; i < n; i++) {
      int kind = shape.nextInt(4);
      sb.append(i == 0 ? "" : shape.nextBoolean() ? "," : " , ");
      switch (kind) {
        case 0 -> sb.append("\"metadata\":").append(pick(meta));
        case 1 ->
            sb.append("\"kind\":\"").append(slice ? "EndpointSlice" : "Endpoints").append('"');
        default -> {
          String targets = TARGETS[shape.nextInt(TARGETS.length)];
          sb.append(
              slice ? "\"endpoints\":" + targets : "\"subsets\":[{\"addresses\":" + targets + "}]");
        }
      }
    }
    return sb.append('}').toString();
  }

  private static String pick(Random random) {
    return METADATA[random.nextInt(METADATA.length)];
  }

  private static Optional<Backing> read(ResourceKey key, String body) {
    return Backing.read(LiveObject.of(key, Instant.EPOCH, bytes(body)));
  }

  private static byte[] bytes(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }
}
