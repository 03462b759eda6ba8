# Network namespaces for the chaos run: one per node, each joined by a veth pair to a bridge in
# a hub namespace. Addresses exist only inside namespaces this run made (10.200.0.0/24), so
# nothing here touches the host's network. Sourced by run.sh; uses $P (namespace prefix).

ns_of() { echo "$P-$1"; }

# Sets NSX to the command prefix that runs a program in the node's namespace, or to `env`
# when this run made none (NETNS=0: deploy/demo.sh without root puts every node on its own
# 127.x address instead). A prefix rather than a wrapper function so `"${NSX[@]}" prog &`
# leaves $! the program's own pid (both prefixes exec it), which kill -9 must hit.
ns_prefix() {
  if [ "${NETNS:-1}" = 1 ]; then NSX=(ip netns exec "$(ns_of "$1")"); else NSX=(env); fi
}

# topo_up NAME... : the hub, then one namespace per node with address 10.200.0.(10+index).
topo_up() {
  ip netns add "$P-hub"
  ip -n "$P-hub" link add name br0 type bridge
  ip -n "$P-hub" link set br0 up
  ip -n "$P-hub" link set lo up
  local i=0 n
  for n in "$@"; do
    ip netns add "$(ns_of "$n")"
    ip -n "$P-hub" link add name "p$i" type veth peer name eth0 netns "$(ns_of "$n")"
    ip -n "$P-hub" link set "p$i" master br0 up
    ip -n "$(ns_of "$n")" addr add "10.200.0.$((10 + i))/24" dev eth0
    ip -n "$(ns_of "$n")" link set eth0 up
    ip -n "$(ns_of "$n")" link set lo up
    PORT_OF[$n]="p$i"
    ADDR_OF[$n]="10.200.0.$((10 + i))"
    i=$((i + 1))
  done
}

topo_down() {
  local ns
  for ns in $(ip netns list 2>/dev/null | awk '{print $1}' | grep "^$P-" || true); do
    ip netns pids "$ns" 2>/dev/null | xargs -r kill -9 2>/dev/null || true
    ip netns del "$ns" 2>/dev/null || true
  done
}

# The node's only link, cut or restored at the bridge.
link_set() { ip -n "$P-hub" link set "${PORT_OF[$1]}" "$2"; }
# Egress bandwidth limit on the node's side (tbf; netem is not in this kernel).
throttle_on() {
  tc -n "$(ns_of "$1")" qdisc replace dev eth0 root tbf rate "$2" burst 32kbit latency 400ms
}
throttle_off() { tc -n "$(ns_of "$1")" qdisc del dev eth0 root 2>/dev/null || true; }

# Can this machine make namespaces and veth pairs at all? (containers without CAP_NET_ADMIN
# cannot.) Leaves nothing behind.
topo_possible() {
  local t="$P-probe"
  ip netns add "$t" 2>/dev/null || return 1
  if ! ip -n "$t" link add name va type veth peer name vb 2>/dev/null; then
    ip netns del "$t"
    return 1
  fi
  ip netns del "$t"
}
