#!/usr/bin/env bash
# A NAT lab in network namespaces (root, iproute2, iptables, ipset): an "internet" bridge on 203.0.113.0/24, two public
# hosts (pub: 203.0.113.10 and .11, pub2: 203.0.113.12 and .13), and for each NAT behaviour a router and a host behind
# it (h-TYPE behind r-TYPE on 198.51.100.0/24). `up LAB 2` adds a second router of each behaviour with its own host
# (h2-TYPE behind r2-TYPE on 192.0.2.0/24), so that two hosts behind separate NATs of the same kind can meet. Only
# documentation address ranges are used; nothing leaves the namespaces. Recipes and their traps: ../shared/DESIGN.md
# §5 (each checked with coturn's RFC 5780 tool).
#
#   natlab.sh up LAB [SETS] build the lab (SETS 1 or 2 routers of each kind); namespaces are named LAB-<node>
#   natlab.sh down LAB      delete every namespace and set of the lab (safe to repeat)
#   natlab.sh nodes         the node names, one per line: pub pub2 h-none h-full h-restricted h-port h-symmetric
#   natlab.sh addr LAB NODE the node's first IP (for a host behind a NAT: its private address)
#   natlab.sh public LAB NODE the address the internet sees a NAT host at (its router's WAN IP)
#   natlab.sh wan LAB NODE  the WAN IP of the router a NAT host sits behind
#
# LAB must be short (at most 6 characters): interface names are limited to 15.
set -euo pipefail

TYPES=(none full restricted port symmetric)

# Set 1 (r-TYPE, h-TYPE) and set 2 (r2-TYPE, h2-TYPE) differ in WAN addresses and LAN ranges.
wan_ip() { echo "203.0.113.$((20 * ${2:-1} + $1))"; }
lan_prefix() { if [ "${2:-1}" = 1 ]; then echo 198.51.100; else echo 192.0.2; fi; }
lan_net() { echo "$(lan_prefix "$1" "${2:-1}").$((16 * $1))/28"; }
router_lan_ip() { echo "$(lan_prefix "$1" "${2:-1}").$((16 * $1 + 1))"; }
host_ip() { echo "$(lan_prefix "$1" "${2:-1}").$((16 * $1 + 2))"; }
set_suffix() { if [ "${1:-1}" = 1 ]; then echo ""; else echo "$1"; fi; }

index_of() {
  local i
  for i in "${!TYPES[@]}"; do
    if [ "${TYPES[$i]}" = "$1" ]; then echo $((i + 1)); return; fi
  done
  echo "unknown NAT type: $1" >&2
  exit 2
}

ns() { ip netns exec "$LAB-$1" "${@:2}"; }

# A veth pair from namespace $1 (named $2 there) to namespace $3 (named $4 there).
link() {
  local a="${LAB}x$RANDOM" b="${LAB}y$RANDOM"
  ip link add "$a" type veth peer name "$b"
  ip link set "$a" netns "$LAB-$1"
  ip link set "$b" netns "$LAB-$3"
  ns "$1" ip link set "$a" name "$2"
  ns "$3" ip link set "$b" name "$4"
  ns "$1" ip link set "$2" up
  ns "$3" ip link set "$4" up
}

add_ns() {
  ip netns add "$LAB-$1"
  ns "$1" ip link set lo up
}

public_host() { # name, ip1, ip2, bridge port
  add_ns "$1"
  link "$1" eth0 inet "$4"
  ns inet ip link set "$4" master br0
  ns "$1" ip addr add "$2/24" dev eth0
  ns "$1" ip addr add "$3/24" dev eth0
}

router() { # type [set]
  local type="$1" set="${2:-1}" k; k=$(index_of "$type")
  local sfx; sfx=$(set_suffix "$set")
  local r="r$sfx-$type" h="h$sfx-$type" wan lan host port
  wan=$(wan_ip "$k" "$set"); lan=$(router_lan_ip "$k" "$set"); host=$(host_ip "$k" "$set")
  if [ "$set" = 1 ]; then port="p$k"; else port="q$k"; fi
  add_ns "$r"
  add_ns "$h"
  link "$r" wan inet "$port"
  ns inet ip link set "$port" master br0
  ns "$r" ip addr add "$wan/24" dev wan
  link "$r" lan "$h" eth0
  ns "$r" ip addr add "$lan/28" dev lan
  ns "$h" ip addr add "$host/28" dev eth0
  ns "$h" ip route add default via "$lan"
  ns "$r" sysctl -qw net.ipv4.ip_forward=1
  case "$type" in
    none)
      for p in pub pub2; do ns "$p" ip route add "$(lan_net "$k" "$set")" via "$wan"; done
      ;;
    full)
      ns "$r" iptables -t nat -A POSTROUTING -o wan -j SNAT --to-source "$wan"
      ns "$r" iptables -t nat -A PREROUTING -i wan -p udp -j DNAT --to-destination "$host"
      ;;
    restricted)
      # Address-dependent filtering per mapping: remember (remote IP, local port) on the way out, admit only those.
      ns "$r" ipset create contacted hash:ip,port timeout 120
      ns "$r" iptables -t nat -A POSTROUTING -o wan -j MASQUERADE
      ns "$r" iptables -A FORWARD -i lan -o wan -p udp -j SET --add-set contacted dst,src --exist
      ns "$r" iptables -t nat -A PREROUTING -i wan -d "$wan" -p udp -m set --match-set contacted src,dst \
        -j DNAT --to-destination "$host"
      ;;
    port)
      ns "$r" iptables -t nat -A POSTROUTING -o wan -j MASQUERADE
      ;;
    symmetric)
      ns "$r" iptables -t nat -A POSTROUTING -o wan -j MASQUERADE --random-fully
      ;;
  esac
  if [ "$type" != none ]; then
    # Without this an early unsolicited packet reaches the router itself, and its conntrack entry blocks the mapping
    # a later outbound packet would open (hole punching then fails even between two cone NATs).
    ns "$r" iptables -A INPUT -i wan -p udp -j DROP
  fi
}

up() {
  down >/dev/null 2>&1 || true
  add_ns inet
  ns inet ip link add br0 type bridge
  ns inet ip link set br0 up
  public_host pub 203.0.113.10 203.0.113.11 pa
  public_host pub2 203.0.113.12 203.0.113.13 pb
  for t in "${TYPES[@]}"; do router "$t" 1; done
  local sets=1 s t k
  if [ "${SETS:-1}" = 2 ]; then
    for t in "${TYPES[@]}"; do router "$t" 2; done
    sets=2
  fi
  # Every router reaches the LANs behind the plain (no NAT) routers, so hosts behind NATs can meet their hosts.
  k=$(index_of none)
  for s in $(seq 1 "$sets"); do
    for t in "${TYPES[@]}"; do
      for other in $(seq 1 "$sets"); do
        if [ "$t" != none ] || [ "$other" != "$s" ]; then
          ns "r$(set_suffix "$s")-$t" ip route add "$(lan_net "$k" "$other")" via "$(wan_ip "$k" "$other")"
        fi
      done
    done
  done
}

down() {
  local n
  for n in $(ip netns list | awk '{print $1}' | grep "^$LAB-" || true); do
    ip netns pids "$n" 2>/dev/null | xargs -r kill -9 2>/dev/null || true
    ip netns del "$n"
  done
}

case "${1:-}" in
  up) LAB="$2"; SETS="${3:-1}"; up ;;
  down) LAB="$2"; down ;;
  nodes) echo pub; echo pub2; for t in "${TYPES[@]}"; do echo "h-$t"; done ;;
  addr)
    LAB="$2"
    case "$3" in
      pub) echo 203.0.113.10 ;;
      pub2) echo 203.0.113.12 ;;
      h-*) host_ip "$(index_of "${3#h-}")" 1 ;;
      h2-*) host_ip "$(index_of "${3#h2-}")" 2 ;;
      *) echo "unknown node: $3" >&2; exit 2 ;;
    esac ;;
  public)
    LAB="$2"
    case "$3" in
      h-none) host_ip 1 1 ;;
      h2-none) host_ip 1 2 ;;
      h-*|h2-*) "$0" wan "$2" "$3" ;;
      *) "$0" addr "$2" "$3" ;;
    esac ;;
  wan)
    LAB="$2"
    case "$3" in
      h-*) wan_ip "$(index_of "${3#h-}")" 1 ;;
      h2-*) wan_ip "$(index_of "${3#h2-}")" 2 ;;
      *) echo "not a NAT host: $3" >&2; exit 2 ;;
    esac ;;
  *) sed -n '2,13p' "$0"; exit 2 ;;
esac
