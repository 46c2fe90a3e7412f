package io.kubetrail.history.netpol;

import java.math.BigInteger;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * A range of IPv4 or IPv6 addresses, such as a CIDR block holds. Host bits after a CIDR's prefix
 * are ignored, as Go's {@code net.ParseCIDR} (which the API server validates with) ignores them.
 *
 * @param bits 32 for IPv4, 128 for IPv6
 * @param first the lowest address, as a number
 * @param last the highest address, as a number
 */
record AddressRange(int bits, BigInteger first, BigInteger last) {

  AddressRange {
    Objects.requireNonNull(first, "first");
    Objects.requireNonNull(last, "last");
    if (bits != 32 && bits != 128) {
      throw new IllegalArgumentException("bits must be 32 or 128, got " + bits);
    }
  }

  /**
   * Parses {@code address/prefix}; empty when the text is not a CIDR. Literal addresses only: never
   * a host name, so nothing is looked up.
   */
  static Optional<AddressRange> parseCidr(String text) {
    int slash = text.indexOf('/');
    if (slash < 0) {
      return Optional.empty();
    }
    String addr = text.substring(0, slash);
    String prefix = text.substring(slash + 1);
    boolean v6 = addr.contains(":");
    int bits = v6 ? 128 : 32;
    Optional<BigInteger> value = v6 ? ipv6(addr) : ipv4(addr);
    if (value.isEmpty() || !isDecimal(prefix, 3) || Integer.parseInt(prefix) > bits) {
      return Optional.empty();
    }
    BigInteger hostMask =
        BigInteger.ONE.shiftLeft(bits - Integer.parseInt(prefix)).subtract(BigInteger.ONE);
    BigInteger first = value.get().andNot(hostMask);
    return Optional.of(new AddressRange(bits, first, first.or(hostMask)));
  }

  private static boolean isDecimal(String s, int maxDigits) {
    return !s.isEmpty() && s.length() <= maxDigits && s.chars().allMatch(c -> c >= '0' && c <= '9');
  }

  private static Optional<BigInteger> ipv4(String text) {
    String[] parts = text.split("\\.", -1);
    if (parts.length != 4) {
      return Optional.empty();
    }
    long v = 0;
    for (String p : parts) {
      if (!isDecimal(p, 3)) {
        return Optional.empty();
      }
      int octet = Integer.parseInt(p);
      if (octet > 255) {
        return Optional.empty();
      }
      v = (v << 8) | octet;
    }
    return Optional.of(BigInteger.valueOf(v));
  }

  private static Optional<BigInteger> ipv6(String text) {
    int gap = text.indexOf("::");
    if (gap >= 0 && text.indexOf("::", gap + 1) >= 0) {
      return Optional.empty();
    }
    List<Integer> head = gap < 0 ? groups(text) : groups(text.substring(0, gap));
    List<Integer> tail = gap < 0 ? List.of() : groups(text.substring(gap + 2));
    if (head == null || tail == null) {
      return Optional.empty();
    }
    int total = head.size() + tail.size();
    if (gap < 0 ? total != 8 : total > 7) {
      return Optional.empty();
    }
    BigInteger v = BigInteger.ZERO;
    List<Integer> all = new ArrayList<>(head);
    for (int i = total; i < 8; i++) {
      all.add(0);
    }
    all.addAll(tail);
    for (int g : all) {
      v = v.shiftLeft(16).or(BigInteger.valueOf(g));
    }
    return Optional.of(v);
  }

  /** Colon-separated 16-bit groups, the last of which may be a dotted IPv4 address; or null. */
  private static List<Integer> groups(String text) {
    List<Integer> out = new ArrayList<>();
    if (text.isEmpty()) {
      return out;
    }
    String[] parts = text.split(":", -1);
    for (int i = 0; i < parts.length; i++) {
      String p = parts[i];
      if (i == parts.length - 1 && p.contains(".")) {
        Optional<BigInteger> v4 = ipv4(p);
        if (v4.isEmpty()) {
          return null;
        }
        long v = v4.get().longValue();
        out.add((int) (v >>> 16));
        out.add((int) (v & 0xffff));
      } else if (p.isEmpty() || p.length() > 4 || !p.chars().allMatch(AddressRange::isHex)) {
        return null;
      } else {
        out.add(Integer.parseInt(p, 16));
      }
    }
    return out;
  }

  private static boolean isHex(int c) {
    return Character.digit(c, 16) >= 0 && c < 128;
  }

  /** Whether every address of {@code other} is in this range. */
  boolean contains(AddressRange other) {
    return bits == other.bits
        && first.compareTo(other.first) <= 0
        && last.compareTo(other.last) >= 0;
  }

  /**
   * This range with {@code cut} taken out: none, one or two ranges. A range of the other address
   * family is kept whole.
   */
  List<AddressRange> minus(AddressRange cut) {
    if (bits != cut.bits || cut.last.compareTo(first) < 0 || cut.first.compareTo(last) > 0) {
      return List.of(this);
    }
    List<AddressRange> out = new ArrayList<>(2);
    if (first.compareTo(cut.first) < 0) {
      out.add(new AddressRange(bits, first, cut.first.subtract(BigInteger.ONE)));
    }
    if (last.compareTo(cut.last) > 0) {
      out.add(new AddressRange(bits, cut.last.add(BigInteger.ONE), last));
    }
    return out;
  }
}
