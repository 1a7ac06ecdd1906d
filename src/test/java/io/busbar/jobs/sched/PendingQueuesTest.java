package io.busbar.jobs.sched;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.EnumSource;

class PendingQueuesTest {

  @ParameterizedTest
  @CsvSource({"fcfs, FCFS", "priority, PRIORITY", "sjf, SJF", "SJF, SJF", "' Priority ', PRIORITY"})
  void parsesPolicyNamesIgnoringCaseAndBlanks(String value, Policy expected) {
    assertThat(Policy.parse(value)).isEqualTo(expected);
  }

  @Test
  void unknownPolicyNameListsTheAllowedValues() {
    assertThatThrownBy(() -> Policy.parse("lifo"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("unknown scheduling policy 'lifo'; allowed values: fcfs, priority, sjf");
    assertThatThrownBy(() -> Policy.parse(null))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("allowed values: fcfs, priority, sjf");
  }

  @ParameterizedTest
  @EnumSource(Policy.class)
  void configNameRoundTrips(Policy policy) {
    assertThat(Policy.parse(policy.configName())).isEqualTo(policy);
  }

  @ParameterizedTest
  @EnumSource(Policy.class)
  void factoryCreatesAnEmptyQueueOfThePolicy(Policy policy) {
    PendingQueue<String> queue = PendingQueues.create(policy, SchedConfig.defaults(), () -> 0L);
    assertThat(queue.policy()).isEqualTo(policy);
    assertThat(queue.isEmpty()).isTrue();
  }

  @Test
  void factoryRejectsNulls() {
    assertThatThrownBy(() -> PendingQueues.create(null, SchedConfig.defaults(), () -> 0L))
        .isInstanceOf(NullPointerException.class)
        .hasMessage("policy");
    assertThatThrownBy(() -> PendingQueues.create(Policy.SJF, null, () -> 0L))
        .isInstanceOf(NullPointerException.class)
        .hasMessage("config");
    assertThatThrownBy(() -> PendingQueues.create(Policy.SJF, SchedConfig.defaults(), null))
        .isInstanceOf(NullPointerException.class)
        .hasMessage("clockMs");
  }

  @Test
  void configDefaultsAndValidation() {
    assertThat(SchedConfig.defaults())
        .isEqualTo(new SchedConfig(SchedConfig.DEFAULT_MAX_WAIT_MS,
            SchedConfig.DEFAULT_AGING_INTERVAL_MS));
    assertThatThrownBy(() -> new SchedConfig(0, 1))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("maxWaitMs");
    assertThatThrownBy(() -> new SchedConfig(1, -5))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("agingIntervalMs");
  }

  @Test
  void entryValidatesItsFields() {
    assertThatThrownBy(() -> new PendingEntry<>("", 0, 0, 1.0, 0, "p"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("id");
    assertThatThrownBy(() -> new PendingEntry<>(null, 0, 0, 1.0, 0, "p"))
        .isInstanceOf(NullPointerException.class);
    assertThatThrownBy(() -> new PendingEntry<>("a", 0, 0, 1.0, 0, null))
        .isInstanceOf(NullPointerException.class);
    assertThatThrownBy(() -> new PendingEntry<>("a", 0, 0, -1.0, 0, "p"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("estimatedCostMs");
    assertThatThrownBy(() -> new PendingEntry<>("a", 0, 0, Double.NaN, 0, "p"))
        .isInstanceOf(IllegalArgumentException.class);
    assertThat(new PendingEntry<>("a", 0, 0, -0.0, 0, "p").estimatedCostMs())
        .isEqualTo(0.0)
        .isEqualTo(new PendingEntry<>("b", 0, 0, 0.0, 0, "p").estimatedCostMs());
    assertThat(new PendingEntry<>("a", 40, 0, 1.0, 0, "p").waitedMs(100)).isEqualTo(60);
  }
}
