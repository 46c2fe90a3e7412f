package io.kubetrail.history;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.kubetrail.history.LabelSelector.Operator;
import io.kubetrail.history.LabelSelector.Requirement;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** One matcher for both spellings of a label selector. */
class LabelSelectorTest {
  private static final Map<String, String> WEB = Map.of("app", "web", "tier", "front");

  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      value = {
        "''                          | true",
        "app=web                     | true",
        "app==web                    | true",
        "app=db                      | false",
        "app!=db                     | true",
        "missing!=x                  | true",
        "app in (db, web)            | true",
        "app notin (db, web)         | false",
        "missing notin (web)         | true",
        "tier                        | true",
        "!tier                       | false",
        "!missing                    | true",
        "app=web,tier in (back)      | false",
        "app=web, tier notin (back)  | true"
      })
  void textSyntaxMatchesAsTheApiServerDoes(String text, boolean matches) {
    assertThat(Selectors.labels(text).matches(WEB)).as(text).isEqualTo(matches);
  }

  @Test
  void requirementsMatchByOperator() {
    assertThat(new Requirement("app", Operator.IN, Set.of("web")).matches(WEB)).isTrue();
    assertThat(new Requirement("app", Operator.NOT_IN, Set.of("web")).matches(WEB)).isFalse();
    assertThat(new Requirement("x", Operator.NOT_IN, Set.of("web")).matches(WEB)).isTrue();
    assertThat(new Requirement("x", Operator.EXISTS, Set.of()).matches(WEB)).isFalse();
    assertThat(new Requirement("x", Operator.DOES_NOT_EXIST, Set.of()).matches(WEB)).isTrue();
    assertThat(LabelSelector.everything().matches(Map.of())).isTrue();
    assertThat(LabelSelector.everything().selectsEverything()).isTrue();
  }

  @Test
  void existenceTakesNoValues() {
    assertThatThrownBy(() -> new Requirement("x", Operator.EXISTS, Set.of("a")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("EXISTS takes no values, got [a]");
  }
}
