package io.kubetrail.history.netpol;

import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigInteger;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class IpBlockTest {

  private static AddressRange cidr(String text) {
    return AddressRange.parseCidr(text).orElseThrow();
  }

  private static IpBlock block(String cidr, String... except) {
    List<AddressRange> ex = new ArrayList<>();
    for (String e : except) {
      ex.add(cidr(e));
    }
    return new IpBlock(cidr(cidr), ex);
  }

  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      value = {
        "10.0.0.0/8         | 10.0.0.0          | 10.255.255.255",
        "10.1.2.3/32        | 10.1.2.3          | 10.1.2.3",
        "10.1.2.3/24        | 10.1.2.0          | 10.1.2.255",
        "0.0.0.0/0          | 0.0.0.0           | 255.255.255.255",
        "fc00::/7           | fc00::            | fdff:ffff:ffff:ffff:ffff:ffff:ffff:ffff",
        "::1/128            | ::1               | ::1",
        "2001:db8::/32      | 2001:db8::        | 2001:db8:ffff:ffff:ffff:ffff:ffff:ffff",
        "64:ff9b::10.0.0.0/120 | 64:ff9b::a00:0 | 64:ff9b::a00:ff"
      })
  void cidrsAreTheRangeOfTheirPrefixIgnoringHostBits(String text, String first, String last) {
    AddressRange r = cidr(text);
    assertThat(r.first()).isEqualTo(number(first));
    assertThat(r.last()).isEqualTo(number(last));
  }

  /** The address as a number, by an independent route: the JDK's literal parser. */
  private static BigInteger number(String literal) {
    try {
      // A literal (digits, dots, colons) is never looked up.
      return new BigInteger(1, java.net.InetAddress.getByName(literal).getAddress());
    } catch (java.net.UnknownHostException e) {
      throw new AssertionError(e);
    }
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "10.0.0.0",
        "10.0.0/8",
        "10.0.0.256/8",
        "10.0.0.0/33",
        "10.0.0.0/-1",
        "10.0.0.0/",
        "a.b.c.d/8",
        "1::2::3/64",
        "1:2:3:4:5:6:7:8:9/64",
        "1:2:3:4:5:6:7/64",
        "::g/64",
        "fc00::/129",
        "localhost/8",
        ""
      })
  void notACidr(String text) {
    assertThat(AddressRange.parseCidr(text)).as(text).isEqualTo(Optional.empty());
  }

  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      value = {
        "10.0.0.0/8        | ''                                        | true",
        "10.20.0.0/16      | ''                                        | true",
        "172.16.0.0/12     | ''                                        | true",
        "172.17.0.0/16     | 172.17.1.0/24                             | true",
        "172.15.0.0/16     | ''                                        | false",
        "172.16.0.0/11     | ''                                        | false",
        "192.168.0.0/16    | ''                                        | true",
        "192.168.0.0/15    | ''                                        | false",
        "8.8.8.8/32        | ''                                        | false",
        "0.0.0.0/0         | ''                                        | false",
        "0.0.0.0/0         | 10.0.0.0/8 172.16.0.0/12 192.168.0.0/16   | false",
        "0.0.0.0/0         | 0.0.0.0/1 128.0.0.0/1                     | true",
        "10.0.0.0/7        | 11.0.0.0/8                                | true",
        "10.0.0.0/7        | 10.0.0.0/8                                | false",
        "fd00::/8          | ''                                        | true",
        "::/0              | ''                                        | false",
        "2001:db8::/32     | ''                                        | false"
      })
  void whollyPrivateWhenEveryAddressLeftAfterTheExceptsIsPrivate(
      String cidr, String except, boolean expected) {
    String[] ex = except.isEmpty() ? new String[0] : except.split(" ");
    assertThat(block(cidr, ex).whollyPrivate()).as(cidr + " except " + except).isEqualTo(expected);
  }

  @Test
  void rangesOfTheOtherFamilyAreKeptWhole() {
    AddressRange v4 = cidr("10.0.0.0/8");
    assertThat(v4.minus(cidr("::/0"))).containsExactly(v4);
    assertThat(v4.contains(cidr("10.1.0.0/16"))).isTrue();
    assertThat(v4.contains(cidr("11.0.0.0/16"))).isFalse();
    assertThat(cidr("::/0").contains(cidr("10.0.0.0/8"))).isFalse();
  }
}
