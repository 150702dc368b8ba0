package dev.storekeeper.dashboard;

import dev.storekeeper.cli.HumanOutput;
import java.util.Locale;

/**
 * How the dashboard writes numbers for people: in the same units and spelling as the CLI's human
 * output, so a figure read on the page and in a terminal looks the same.
 */
public final class Figures {

  Figures() {}

  public String bytes(long bytes) {
    return HumanOutput.size(bytes);
  }

  public String duration(Long millis) {
    return HumanOutput.duration(millis);
  }

  public String age(Long seconds) {
    return HumanOutput.age(seconds);
  }

  public String percent(double value) {
    return String.format(Locale.ROOT, "%.1f %%", value);
  }
}
