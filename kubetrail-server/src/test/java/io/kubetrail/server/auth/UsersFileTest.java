package io.kubetrail.server.auth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class UsersFileTest {
  @TempDir Path dir;

  private Path file(String yaml) throws Exception {
    return Files.writeString(dir.resolve("users.yaml"), yaml);
  }

  @Test
  void tokensAreKnownByTheirHashOnly() throws Exception {
    String token = TokenHash.newToken();
    UsersFile users =
        UsersFile.load(
            file(
                "users:\n  - {name: val, role: viewer, namespaces: [a, b], tokenHash: "
                    + TokenHash.of(token)
                    + "}\n"));
    Caller val = users.authenticate(token).orElseThrow();
    assertThat(val.name()).isEqualTo("val");
    assertThat(val.role()).isEqualTo(Role.VIEWER);
    assertThat(val.namespaces()).containsExactly("a", "b");
    assertThat(val.mayRead("a")).isTrue();
    assertThat(val.mayRead("c")).isFalse();
    assertThat(val.mayRead("")).isFalse();
    assertThat(users.authenticate(token + "x")).isEmpty();
    assertThat(users.authenticate(TokenHash.of(token))).as("the hash is not a token").isEmpty();
  }

  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      value = {
        "users: 3 | users: expected a list of users",
        "users:\\n  - {role: admin, tokenHash: HASH} | users[0].name: expected a non-empty string",
        "users:\\n  - {name: a, role: root, tokenHash: HASH} | users[0].role: expected admin, auditor or viewer",
        "users:\\n  - {name: a, role: admin, tokenHash: secret} | users[0].tokenHash: expected sha256:",
        "users:\\n  - {name: a, role: admin, namespaces: [x], tokenHash: HASH} | users[0].namespaces: only a viewer",
        "users:\\n  - {name: a, role: viewer, namespaces: x, tokenHash: HASH} | users[0].namespaces: expected a list",
        "users:\\n  - {name: a, role: admin, tokenHash: HASH}\\n  - {name: a, role: admin, tokenHash: HASH2} | users[1].name: a is listed twice",
        "users:\\n  - {name: a, role: admin, tokenHash: HASH}\\n  - {name: b, role: admin, tokenHash: HASH} | users[1].tokenHash: another user has the same token",
        "[ | not YAML"
      })
  void mistakesAreNamedWithTheirPath(String yaml, String message) throws Exception {
    Path f =
        file(
            yaml.replace("\\n", "\n")
                .replace("HASH2", TokenHash.of("two"))
                .replace("HASH", TokenHash.of("one")));
    assertThatThrownBy(() -> UsersFile.load(f))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith(f.toString())
        .hasMessageContaining(message);
  }
}
