package org.quicmesh.node;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import com.typesafe.config.ConfigParseOptions;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.Behavior;

/**
 * The actor systems of quicmesh's own programs (CLI node, demo, benches): conf/runtime.conf (packed in the jar) sits
 * between application.conf and reference.conf, so its thread counts replace Pekko's defaults while an application's
 * settings and system properties still override them.
 */
public final class ActorSystems {
  private static final String RESOURCE = "org/quicmesh/node/runtime.conf";

  private ActorSystems() {}

  /** System properties, application.conf, conf/runtime.conf, reference.conf; resolved. */
  public static Config config() {
    Config runtime = ConfigFactory.parseResources(ActorSystems.class.getClassLoader(), RESOURCE,
        ConfigParseOptions.defaults().setAllowMissing(false));
    return ConfigFactory.defaultOverrides().withFallback(ConfigFactory.defaultApplication()).withFallback(runtime)
        .withFallback(ConfigFactory.defaultReference()).resolve();
  }

  /** An actor system named {@code name} with {@link #config()}. */
  public static <T> ActorSystem<T> create(Behavior<T> guardian, String name) {
    return ActorSystem.create(guardian, name, config());
  }
}
