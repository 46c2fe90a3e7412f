package io.kubetrail.history.netpol;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * A peer's {@code ipBlock}: the addresses of {@code cidr} but not of any {@code except}.
 *
 * <p>Private means RFC 1918 for IPv4 (10/8, 172.16/12, 192.168/16). RFC 1918 has no IPv6 ranges;
 * for IPv6, unique local addresses (fc00::/7, RFC 4193), which are not routed on the internet
 * either, are private. Everything else, including loopback and link-local, counts as public: a rule
 * naming them is unusual enough to be worth a look.
 */
record IpBlock(AddressRange cidr, List<AddressRange> except) {

  static final List<AddressRange> PRIVATE =
      List.of(
          AddressRange.parseCidr("10.0.0.0/8").orElseThrow(),
          AddressRange.parseCidr("172.16.0.0/12").orElseThrow(),
          AddressRange.parseCidr("192.168.0.0/16").orElseThrow(),
          AddressRange.parseCidr("fc00::/7").orElseThrow());

  IpBlock {
    Objects.requireNonNull(cidr, "cidr");
    except = List.copyOf(except);
  }

  /**
   * True when every address the block admits is private: what is left of {@code cidr} after its
   * excepts, less the private ranges, is nothing. {@code 0.0.0.0/0} except the private ranges is
   * all public addresses, so not private.
   */
  boolean whollyPrivate() {
    List<AddressRange> left = List.of(cidr);
    for (AddressRange e : except) {
      left = minus(left, e);
    }
    for (AddressRange p : PRIVATE) {
      left = minus(left, p);
    }
    return left.isEmpty();
  }

  static List<AddressRange> minus(List<AddressRange> ranges, AddressRange cut) {
    List<AddressRange> out = new ArrayList<>();
    for (AddressRange r : ranges) {
      out.addAll(r.minus(cut));
    }
    return out;
  }
}
