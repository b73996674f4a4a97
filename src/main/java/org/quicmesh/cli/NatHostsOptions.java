package org.quicmesh.cli;

import picocli.CommandLine.Option;

/** The hosts of the NAT simulations: how many, and the mix of routers they sit behind. */
final class NatHostsOptions {
  @Option(names = "--nodes", defaultValue = "1000", description = "Hosts (default: ${DEFAULT-VALUE}).")
  int nodes;

  @Option(names = "--nat-mix", defaultValue = "none:0.2,full:0.1,restricted:0.1,port:0.4,symmetric:0.2",
      description = "Share of each router kind: none, full, restricted, port, symmetric (default: ${DEFAULT-VALUE}).")
  String mix;
}
