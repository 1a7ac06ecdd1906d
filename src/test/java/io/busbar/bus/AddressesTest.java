package io.busbar.bus;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The address catalogue: well-formed and free of duplicates. */
class AddressesTest {

  @Test
  void everyAddressIsWellFormedAndUnique() throws Exception {
    List<String> all = new ArrayList<>();
    List<String> prefixes = new ArrayList<>();
    for (Class<?> group : Addresses.class.getDeclaredClasses()) {
      for (Field field : group.getDeclaredFields()) {
        if (Modifier.isStatic(field.getModifiers()) && field.getType() == String.class) {
          (field.getName().endsWith("_PREFIX") ? prefixes : all).add((String) field.get(null));
        }
      }
    }
    assertThat(prefixes).isNotEmpty().doesNotHaveDuplicates()
        .allSatisfy(p -> assertThat(p).matches("(__busbar\\.)?[a-z0-9-]+(\\.[a-z0-9-]+)*\\."));
    assertThat(Addresses.Jobs.eventsOf("3f2a")).isEqualTo("jobs.events.3f2a");

    assertThat(all).isNotEmpty().doesNotHaveDuplicates()
        .allSatisfy(a -> assertThat(a).matches("(__)?[a-z0-9-]+(\\.[a-z0-9-]+)+"));
    assertThat(all).filteredOn(Addresses::isInternal).allSatisfy(a -> assertThat(a).startsWith("__busbar."));
  }
}
