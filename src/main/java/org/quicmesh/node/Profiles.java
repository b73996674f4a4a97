package org.quicmesh.node;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import com.typesafe.config.ConfigParseOptions;
import java.util.List;

/**
 * Configuration profiles: documented sets of defaults for a kind of network ({@code local}, {@code lan}, {@code wan};
 * the files are conf/profiles/*.conf, packed in the jar). A profile sits between {@code application.conf} and
 * {@code reference.conf}: it replaces defaults, while an application's settings, system properties and CLI flags
 * still override it.
 */
public final class Profiles {
  /** The profiles that ship with quicmesh. */
  public static final List<String> NAMES = List.of("local", "lan", "wan");
  private static final String RESOURCES = "org/quicmesh/profiles/";

  private Profiles() {}

  /**
   * The whole configuration (system properties, application.conf, the profile, reference.conf), resolved. The profile
   * is {@code profile} when given, else {@code quicmesh.profile} (empty: none).
   *
   * @throws IllegalArgumentException naming the known profiles when the profile is not one of them
   */
  public static Config load(String profile) {
    return stack(ConfigFactory.defaultOverrides().withFallback(ConfigFactory.defaultApplication()), profile);
  }

  /** {@code application} (what the user set) over the profile over reference.conf, resolved. */
  static Config stack(Config application, String profile) {
    Config reference = ConfigFactory.defaultReference();
    String name = profile != null && !profile.isBlank() ? profile
        : application.withFallback(reference).getString("quicmesh.profile");
    Config stack = name.isBlank() ? application : application.withFallback(profile(name));
    return stack.withFallback(reference).resolve();
  }

  /** One profile's own settings (what it changes), unresolved. */
  public static Config profile(String name) {
    if (!NAMES.contains(name)) {
      throw new IllegalArgumentException("unknown profile '" + name + "': the profiles are " + String.join(", ", NAMES));
    }
    return ConfigFactory.parseResources(Profiles.class.getClassLoader(), RESOURCES + name + ".conf",
        ConfigParseOptions.defaults().setAllowMissing(false));
  }
}
