package io.kubetrail.history.netpol;

import io.kubetrail.history.netpol.CalicoPolicy.Action;
import io.kubetrail.history.netpol.CalicoPolicyReader.Tier;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.OptionalDouble;
import java.util.TreeMap;

/**
 * The exposure of one pod that Calico policies apply to, by Calico's order of evaluation: tiers by
 * their order, in each tier the policies that apply to the pod in the traffic's direction by their
 * order (then name), their rules in turn; the first rule that matches decides (Allow, Deny), Pass
 * goes on to the next tier, Log goes on to the next rule; traffic no rule of a tier decided is
 * denied at its end ({@code defaultAction: Pass} sends it on). Tiers where no policy applies are
 * skipped; past the last, traffic is allowed. Kubernetes NetworkPolicies take part as Calico makes
 * them: in the {@code default} tier at order 1000, their rules Allow.
 *
 * <p>From the internet: is some public address allowed? Followed exactly through the rules' {@code
 * nets} and {@code notNets} (a denied range is taken out of what later rules see). From other
 * namespaces: may a pod of another namespace be allowed? A rule that may match only some of them (a
 * selector, a namespaceSelector reaching another namespace) allows, but denies or passes none. A
 * rule that also tests ports, protocols or the own end's addresses never takes traffic out either:
 * some of it may be of another port. So the flags can say exposed where a closer look would not;
 * never the opposite.
 */
final class TierWalk {
  private static final List<AddressRange> PUBLIC = publicAddresses();

  /** How much of a class of peers a rule matches. */
  enum Match {
    NONE,
    SOME,
    ALL
  }

  /** One rule as the walk sees it. */
  interface Step {
    Action action();

    /** Of these addresses, those the rule matches. */
    List<AddressRange> internet(List<AddressRange> addresses);

    Match otherNamespace();

    /** Whether it can match less than all traffic of the peers it matches. */
    boolean narrowed();
  }

  /** A policy of a tier, ready to walk: its rules for the direction. */
  record Entry(OptionalDouble order, String name, List<Step> steps) {}

  private record Level(Tier tier, List<Entry> entries) {}

  private final List<Level> levels = new ArrayList<>();

  /**
   * @param entries by tier name, the policies applying to the pod in one direction
   */
  TierWalk(Map<String, List<Entry>> entries, Map<String, Tier> tiers) {
    Map<String, List<Entry>> sorted = new TreeMap<>(entries);
    sorted.forEach(
        (name, list) -> {
          if (list.isEmpty()) {
            return;
          }
          List<Entry> ordered = new ArrayList<>(list);
          ordered.sort(
              Comparator.comparingDouble((Entry e) -> order(e.order())).thenComparing(Entry::name));
          levels.add(new Level(tiers.getOrDefault(name, Tier.implicit(name)), ordered));
        });
    levels.sort(
        Comparator.comparingDouble((Level l) -> order(l.tier().order()))
            .thenComparing(l -> l.tier().name()));
  }

  /** Whether some policy applies, so traffic is denied unless allowed. */
  boolean isProtected() {
    return !levels.isEmpty();
  }

  boolean fromInternet() {
    return internet(0, PUBLIC);
  }

  boolean fromOtherNamespace() {
    return otherNamespace(0);
  }

  private boolean internet(int level, List<AddressRange> addresses) {
    if (addresses.isEmpty()) {
      return false;
    }
    if (level == levels.size()) {
      return true;
    }
    List<AddressRange> left = addresses;
    for (Entry e : levels.get(level).entries()) {
      for (Step s : e.steps()) {
        List<AddressRange> matched = s.internet(left);
        if (matched.isEmpty()) {
          continue;
        }
        switch (s.action()) {
          case ALLOW -> {
            return true;
          }
          case PASS -> {
            if (internet(level + 1, matched)) {
              return true;
            }
          }
          default -> {}
        }
        if (s.action() != Action.LOG && !s.narrowed()) {
          left = minus(left, matched);
          if (left.isEmpty()) {
            return false;
          }
        }
      }
    }
    return levels.get(level).tier().passAtEnd() && internet(level + 1, left);
  }

  private boolean otherNamespace(int level) {
    if (level == levels.size()) {
      return true;
    }
    for (Entry e : levels.get(level).entries()) {
      for (Step s : e.steps()) {
        Match m = s.otherNamespace();
        if (m == Match.NONE || s.action() == Action.LOG) {
          continue;
        }
        if (s.action() == Action.ALLOW) {
          return true;
        }
        if (s.action() == Action.PASS && otherNamespace(level + 1)) {
          return true;
        }
        if (m == Match.ALL && !s.narrowed()) {
          return false;
        }
      }
    }
    return levels.get(level).tier().passAtEnd() && otherNamespace(level + 1);
  }

  private static double order(OptionalDouble order) {
    return order.orElse(Double.POSITIVE_INFINITY);
  }

  /** The addresses of {@code ranges} that are also in {@code net}. */
  static List<AddressRange> intersect(List<AddressRange> ranges, List<AddressRange> nets) {
    List<AddressRange> out = new ArrayList<>();
    for (AddressRange net : nets) {
      List<AddressRange> outside = List.of(net);
      for (AddressRange r : ranges) {
        outside = IpBlock.minus(outside, r);
      }
      // net less what is outside every range: its part inside them.
      List<AddressRange> inside = List.of(net);
      for (AddressRange o : outside) {
        inside = IpBlock.minus(inside, o);
      }
      out.addAll(inside);
    }
    return out;
  }

  static List<AddressRange> minus(List<AddressRange> ranges, List<AddressRange> cut) {
    List<AddressRange> left = ranges;
    for (AddressRange c : cut) {
      left = IpBlock.minus(left, c);
    }
    return left;
  }

  private static List<AddressRange> publicAddresses() {
    List<AddressRange> all =
        List.of(
            AddressRange.parseCidr("0.0.0.0/0").orElseThrow(),
            AddressRange.parseCidr("::/0").orElseThrow());
    return minus(all, IpBlock.PRIVATE);
  }
}
