#!/usr/bin/env bash
# A NAT lab in network namespaces (root, iproute2, iptables, ipset): an "internet" bridge on 203.0.113.0/24, two public
# hosts (pub: 203.0.113.10 and .11, pub2: 203.0.113.12 and .13), and for each NAT behaviour a router and a host behind
# it. Only documentation address ranges are used; nothing leaves the namespaces. Recipes and their traps:
# ../shared/DESIGN.md §5 (each checked with coturn's RFC 5780 tool).
#
#   natlab.sh up LAB        build the lab; namespaces are named LAB-<node>
#   natlab.sh down LAB      delete every namespace and set of the lab (safe to repeat)
#   natlab.sh nodes         the node names, one per line: pub pub2 h-none h-full h-restricted h-port h-symmetric
#   natlab.sh addr LAB NODE the node's first IP (for a host behind a NAT: its private address)
#   natlab.sh public LAB NODE the address the internet sees a NAT host at (its router's WAN IP)
#
# LAB must be short (at most 6 characters): interface names are limited to 15.
set -euo pipefail

TYPES=(none full restricted port symmetric)

wan_ip() { echo "203.0.113.$((20 + $1))"; }
lan_net() { echo "198.51.100.$((16 * $1))/28"; }
router_lan_ip() { echo "198.51.100.$((16 * $1 + 1))"; }
host_ip() { echo "198.51.100.$((16 * $1 + 2))"; }

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

router() { # type
  local type="$1" k; k=$(index_of "$type")
  local r="r-$type" h="h-$type" wan lan host
  wan=$(wan_ip "$k"); lan=$(router_lan_ip "$k"); host=$(host_ip "$k")
  add_ns "$r"
  add_ns "$h"
  link "$r" wan inet "p$k"
  ns inet ip link set "p$k" master br0
  ns "$r" ip addr add "$wan/24" dev wan
  link "$r" lan "$h" eth0
  ns "$r" ip addr add "$lan/28" dev lan
  ns "$h" ip addr add "$host/28" dev eth0
  ns "$h" ip route add default via "$lan"
  ns "$r" sysctl -qw net.ipv4.ip_forward=1
  case "$type" in
    none)
      for p in pub pub2; do ns "$p" ip route add "$(lan_net "$k")" via "$wan"; done
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
  for t in "${TYPES[@]}"; do router "$t"; done
}

down() {
  local n
  for n in $(ip netns list | awk '{print $1}' | grep "^$LAB-" || true); do
    ip netns pids "$n" 2>/dev/null | xargs -r kill -9 2>/dev/null || true
    ip netns del "$n"
  done
}

case "${1:-}" in
  up) LAB="$2"; up ;;
  down) LAB="$2"; down ;;
  nodes) echo pub; echo pub2; for t in "${TYPES[@]}"; do echo "h-$t"; done ;;
  addr)
    LAB="$2"
    case "$3" in
      pub) echo 203.0.113.10 ;;
      pub2) echo 203.0.113.12 ;;
      h-*) host_ip "$(index_of "${3#h-}")" ;;
      *) echo "unknown node: $3" >&2; exit 2 ;;
    esac ;;
  public)
    LAB="$2"
    case "$3" in
      h-none) host_ip 1 ;;
      h-*) wan_ip "$(index_of "${3#h-}")" ;;
      *) "$0" addr "$2" "$3" ;;
    esac ;;
  *) sed -n '2,13p' "$0"; exit 2 ;;
esac
