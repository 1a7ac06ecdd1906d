package io.busbar.jobs;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Random;
import java.util.function.Predicate;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** The name rules of a job submission accept exactly what the regular expressions in their descriptions accept. */
class JobSpecNamesTest {

  private static final String ALPHABET = "az09AZ._-/ é";

  @Test
  void typeQueueAndNotifyAgreeWithTheirRegularExpressions() {
    check(JobSpec.TYPE, "[a-z0-9][a-z0-9._-]{0,63}", "");
    check(JobSpec.QUEUE, "[a-z0-9][a-z0-9-]{0,63}", "");
    check(JobSpec.NOTIFY, "jobs\\.inbox\\.[A-Za-z0-9_-]{1,64}", "jobs.inbox.");
  }

  @Test
  void edgeCases() {
    assertThat(List.of("a", "0", "a.b_c-d", "x".repeat(64))).allMatch(JobSpec.TYPE);
    assertThat(List.of("", ".a", "-a", "A", "a b", "x".repeat(65), "é")).noneMatch(JobSpec.TYPE);
    assertThat(List.of("default", "cpu-2")).allMatch(JobSpec.QUEUE);
    assertThat(List.of("a.b", "a_b", "-a")).noneMatch(JobSpec.QUEUE);
    assertThat(List.of("jobs.inbox.A", "jobs.inbox.-_", "jobs.inbox." + "Z".repeat(64))).allMatch(JobSpec.NOTIFY);
    assertThat(List.of("jobs.inbox.", "jobs.inbox.a.b", "jobs.inbox." + "Z".repeat(65), "jobs.events.x", "jobs.inbox"))
        .noneMatch(JobSpec.NOTIFY);
  }

  private static void check(Predicate<String> rule, String regex, String prefix) {
    Pattern pattern = Pattern.compile(regex);
    Random random = new Random(42);
    int accepted = 0;
    for (int i = 0; i < 50_000; i++) {
      StringBuilder s = new StringBuilder(random.nextInt(4) == 0 ? "" : prefix);
      int length = random.nextInt(10) == 0 ? 60 + random.nextInt(10) : random.nextInt(6);
      for (int j = 0; j < length; j++) {
        // Mostly characters that names may hold, so that many strings are accepted.
        s.append(random.nextInt(3) == 0 ? ALPHABET.charAt(random.nextInt(ALPHABET.length()))
            : "abz019._-".charAt(random.nextInt(9)));
      }
      String candidate = s.toString();
      boolean expected = pattern.matcher(candidate).matches();
      assertThat(rule.test(candidate)).as("\"%s\" against %s", candidate, regex).isEqualTo(expected);
      accepted += expected ? 1 : 0;
    }
    assertThat(accepted).as("strings accepted by %s", regex).isGreaterThan(1_000);
  }
}
