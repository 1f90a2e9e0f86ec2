"""Network files: the TOML topology format, SeQUeNCe's JSON topologies, and GraphML export.

TOML topology (read by :func:`read_toml` / :meth:`Network.from_toml`, written by
:func:`write_toml`)::

    [network]                      # optional
    name = "metro"
    fiber_slack = 1.0              # fibre length / geometric distance when length_km is absent (>= 1)

    [[nodes]]
    name = "alice"
    kind = "user"                  # user | repeater | trusted_relay | switch | ground_station | satellite
    position_km = [0.0, 0.0]       # or latlon_deg = [39.9, 116.4]; both optional
    # user, repeater:  memories = 4, t1_s = 1.0, t2_s = 0.5   (users: optional)
    # switch:          insertion_loss_db = 1.0
    # satellite:       altitude_km = 500.0, latlon_deg = [...] (sub-satellite point)

    [[links]]
    ends = ["alice", "relay"]
    kind = "fiber"                 # fiber (default) | free_space | downlink
    length_km = 50.0               # fiber: optional with positions; free_space: optional
    attenuation_db_per_km = 0.2    # fiber only
    slack = 1.2                    # fiber only, overrides fiber_slack

    [[links]]
    ends = ["micius", "xinglong"]  # satellite first, then a ground_station
    kind = "downlink"
    elevation_deg = 49.0           # optional when both ends have latlon_deg
    preset = "micius-qkd-2017"     # a key of channels.free_space.DOWNLINK_PRESETS
    params = { rx_aperture_m = 1.2 }   # FreeSpaceLink parameters (free_space, downlink)

Every key is checked: an unknown key, a missing ``name``/``kind``/``ends``, an unknown node or
a bad value raises one :class:`~qnet_core.errors.ScenarioError` naming the node or the link.

SeQUeNCe JSON (read by :func:`read_sequence_json`): the topology files of SeQUeNCe
(Wu et al., Quantum Sci. Technol. 6, 045027 (2021); e.g. ``example/starlight.json``,
``example/star_network.json``, ``tests/topology/router_net_topo_sample_config.json`` and
``tests/network_management/line_topo.json`` of github.com/sequence-toolbox/SeQUeNCe), a JSON
object with

* ``nodes``: ``{"name", "type", "memo_size"?, "template"?, ...}``. ``QuantumRouter`` becomes a
  repeater (``memories = memo_size``), ``BSMNode`` a midpoint station that is folded into the
  link it serves, every other type (``QKDNode``, ``QuantumNode``, ``DQCNode``, ...) a user;
  ``users=`` names nodes to import as users instead.
* ``qconnections``: ``{"node1", "node2", "attenuation", "distance", "type"?}``, undirected fibre
  between the two nodes (``meet_in_the_middle`` puts a BSM node at the midpoint: the same fibre);
  ``qchannels``: ``{"source", "destination", "attenuation", "distance"}``, one-way channels;
  the two channels into one ``BSMNode`` make one link between their sources, of the summed length.
  SeQUeNCe's ``distance`` is in m and ``attenuation`` in dB/m (its ``QuantumChannel``
  docstring); here km and dB/km.
* ``templates``: a node's template ``MemoryArray.coherence_time`` (s; ``-1`` or absent: infinite)
  becomes its ``t2_s`` (with ``T1`` infinite). SeQUeNCe's decoherence is a Pauli channel with
  that time constant; reading it as pure dephasing is an approximation.
* ``cconnections``, ``cchannels``, ``cconnections_table``, ``stop_time``, ``formalism`` and
  per-node hardware fields (``seed``, ``gate_fidelity``, ...) are classical or simulator
  settings and are ignored.

:func:`write_sequence_json` writes fibre topologies in that format (``qconnections`` and
matching ``cconnections``), with qnetsim's node data under a ``"qnet"`` key per node (SeQUeNCe
reads named keys only), so that reading the file back gives the same network.

GraphML (:func:`write_graphml`): node attributes ``kind``, ``x_km``/``y_km`` or
``lat_deg``/``lon_deg``, ``memories``, ``t1_s``, ``t2_s``, ``insertion_loss_db``, ``altitude_km``;
link attributes ``kind``, ``length_km``, ``attenuation_db_per_km``, ``elevation_deg``,
``preset``, ``slack``, ``loss_db``, ``transmissivity`` and ``param_<name>`` for free-space
parameters; unset attributes are left out (GraphML needs scalars).
"""

from __future__ import annotations

import json
import math
import os
from typing import Any

from qnet_core.errors import ParameterError, ScenarioError

from .topology import LINK_KINDS, NODE_KINDS, Network

__all__ = ["read_toml", "write_toml", "read_sequence_json", "write_sequence_json", "write_graphml"]

_COMMON_NODE_KEYS = ("name", "kind", "position_km", "latlon_deg")
_NODE_KEYS = {
    "user": ("memories", "t1_s", "t2_s"),
    "repeater": ("memories", "t1_s", "t2_s"),
    "trusted_relay": (),
    "switch": ("insertion_loss_db",),
    "ground_station": (),
    "satellite": ("altitude_km",),
}
_LINK_KEYS = {
    "fiber": ("length_km", "attenuation_db_per_km", "slack"),
    "free_space": ("length_km", "params"),
    "downlink": ("elevation_deg", "preset", "params"),
}
_ADD = {"user": "add_user", "repeater": "add_repeater", "trusted_relay": "add_trusted_relay",
        "switch": "add_switch", "ground_station": "add_ground_station", "satellite": "add_satellite"}
_ADD_LINK = {"fiber": "add_fiber", "free_space": "add_free_space", "downlink": "add_downlink"}


# ============================================================================ TOML
def _source_text(source, owner: str, suffixes: tuple) -> tuple[str, str]:
    """``(text, label)`` of a path or of literal text."""
    if isinstance(source, bytes):
        source = source.decode()
    if isinstance(source, str) and ("\n" in source or source.lstrip().startswith(("{", "["))):
        return source, "<text>"
    if not isinstance(source, (str, os.PathLike)):
        raise ScenarioError(f"{owner}: source={source!r} must be a path or the file's text")
    try:
        with open(source, encoding="utf-8") as fh:
            return fh.read(), os.fspath(source)
    except OSError as exc:
        raise ScenarioError(f"{owner}: cannot read {os.fspath(source)!r}: {exc.strerror}") from None


def read_toml(source: str | bytes | os.PathLike) -> Network:
    """Read a :class:`~protocols.network.topology.Network` from a TOML topology (format above).

    Parameters
    ----------
    source : str, bytes or os.PathLike
        Path to the file, or the TOML text (any string containing a newline).

    Returns
    -------
    Network

    Examples
    --------
    >>> net = read_toml('''
    ... [[nodes]]
    ... name = "a"
    ... kind = "user"
    ... [[nodes]]
    ... name = "b"
    ... kind = "user"
    ... [[links]]
    ... ends = ["a", "b"]
    ... length_km = 10.0
    ... ''')
    >>> net.link("a", "b")["loss_db"]
    2.0
    """
    import tomllib

    owner = "read_toml()"
    text, label = _source_text(source, owner, (".toml",))
    try:
        doc = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise ScenarioError(f"{owner}: {label} is not valid TOML: {exc}") from None
    where = f"{owner}: {label}"
    unknown = set(doc) - {"network", "nodes", "links"}
    if unknown:
        raise ScenarioError(f"{where}: unknown top-level key(s) {sorted(unknown)}; allowed: network, nodes, links")
    head = doc.get("network", {})
    if not isinstance(head, dict) or set(head) - {"name", "fiber_slack"}:
        raise ScenarioError(f"{where}: [network] may hold only name and fiber_slack, got {head!r}")
    try:
        net = Network(head.get("name", "network"), fiber_slack=head.get("fiber_slack", 1.0))
    except ParameterError as exc:
        raise ScenarioError(f"{where}: [network]: {exc}") from None
    nodes = doc.get("nodes", [])
    if not isinstance(nodes, list):
        raise ScenarioError(f"{where}: nodes must be an array of tables ([[nodes]])")
    for i, spec in enumerate(nodes):
        _toml_node(net, spec, i, where)
    links = doc.get("links", [])
    if not isinstance(links, list):
        raise ScenarioError(f"{where}: links must be an array of tables ([[links]])")
    for i, spec in enumerate(links):
        _toml_link(net, spec, i, where)
    return net


def _toml_node(net: Network, spec, i: int, where: str) -> None:
    if not isinstance(spec, dict):
        raise ScenarioError(f"{where}: nodes[{i}] must be a table")
    name = spec.get("name")
    label = f"node {name!r}" if isinstance(name, str) else f"nodes[{i}]"
    if not isinstance(name, str):
        raise ScenarioError(f"{where}: {label} has no name (a string)")
    kind = spec.get("kind")
    if kind not in NODE_KINDS:
        raise ScenarioError(f"{where}: {label}: kind={kind!r} is not allowed; use one of {NODE_KINDS}")
    allowed = _COMMON_NODE_KEYS + _NODE_KEYS[kind]
    if kind == "satellite":
        allowed = tuple(k for k in allowed if k != "position_km")
    bad = sorted(set(spec) - set(allowed))
    if bad:
        raise ScenarioError(f"{where}: {label}: unknown key(s) {bad} for a {kind}; allowed: {', '.join(allowed)}")
    kwargs = {k: (tuple(v) if isinstance(v, list) else v) for k, v in spec.items() if k not in ("name", "kind")}
    try:
        getattr(net, _ADD[kind])(name, **kwargs)
    except ParameterError as exc:
        raise ScenarioError(f"{where}: {label}: {exc}") from None


def _toml_link(net: Network, spec, i: int, where: str) -> None:
    if not isinstance(spec, dict):
        raise ScenarioError(f"{where}: links[{i}] must be a table")
    ends = spec.get("ends")
    if not (isinstance(ends, list) and len(ends) == 2 and all(isinstance(e, str) for e in ends)):
        raise ScenarioError(f"{where}: links[{i}]: ends={ends!r} must be a list of two node names")
    label = f"link {ends[0]!r}-{ends[1]!r}"
    for e in ends:
        if e not in net:
            raise ScenarioError(f"{where}: {label}: node {e!r} is not defined in [[nodes]]")
    kind = spec.get("kind", "fiber")
    if kind not in LINK_KINDS:
        raise ScenarioError(f"{where}: {label}: kind={kind!r} is not allowed; use one of {LINK_KINDS}")
    allowed = ("ends", "kind") + _LINK_KEYS[kind]
    bad = sorted(set(spec) - set(allowed))
    if bad:
        raise ScenarioError(f"{where}: {label}: unknown key(s) {bad} for a {kind} link; allowed: {', '.join(allowed)}")
    kwargs = {k: v for k, v in spec.items() if k not in ("ends", "kind", "params")}
    params = spec.get("params", {})
    if not isinstance(params, dict):
        raise ScenarioError(f"{where}: {label}: params must be a table of link parameters")
    try:
        getattr(net, _ADD_LINK[kind])(ends[0], ends[1], **kwargs, **params)
    except ParameterError as exc:
        raise ScenarioError(f"{where}: {label}: {exc}") from None


def _toml_value(v) -> str:
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, int):
        return str(v)
    if isinstance(v, float):
        if math.isnan(v):
            raise ParameterError("write_toml(): NaN cannot be written")
        return "inf" if v == math.inf else "-inf" if v == -math.inf else repr(v)
    if isinstance(v, str):
        return json.dumps(v)
    if isinstance(v, (tuple, list)):
        return "[" + ", ".join(_toml_value(x) for x in v) + "]"
    if isinstance(v, dict):
        return "{ " + ", ".join(f"{json.dumps(k)} = {_toml_value(x)}" for k, x in v.items()) + " }"
    raise ParameterError(f"write_toml(): cannot write {v!r} ({type(v).__name__})")


def write_toml(network: Network, path: str | os.PathLike | None = None) -> str:
    """The network as TOML text (the format above); :func:`read_toml` reads back an equal network.

    Parameters
    ----------
    network : Network
    path : str or os.PathLike, optional
        File to write.

    Returns
    -------
    str
        The TOML text.

    Examples
    --------
    >>> net = Network("demo")
    >>> net.add_user("a"); net.add_user("b"); net.add_fiber("a", "b", length_km=5.0)
    >>> read_toml(write_toml(net)) == net
    True
    """
    if not isinstance(network, Network):
        raise ParameterError(f"write_toml(): network must be a Network, got {type(network).__name__}")
    lines = ["# qnetsim network topology (protocols.network.formats)", "[network]",
             f"name = {_toml_value(network.name)}", f"fiber_slack = {_toml_value(network.fiber_slack)}", ""]
    for name in network.nodes():
        d = network.node(name)
        lines += ["[[nodes]]", f"name = {_toml_value(name)}", f"kind = {_toml_value(d['kind'])}"]
        for key in _COMMON_NODE_KEYS[2:] + _NODE_KEYS[d["kind"]]:
            if d.get(key) is not None:
                lines.append(f"{key} = {_toml_value(d[key])}")
        lines.append("")
    for a, b in network.links():
        d = network.link(a, b)
        if d["kind"] == "downlink" and network.node(a)["kind"] != "satellite":
            a, b = b, a
        lines += ["[[links]]", f"ends = {_toml_value([a, b])}", f"kind = {_toml_value(d['kind'])}"]
        for key in _LINK_KEYS[d["kind"]]:
            if key == "params":
                if d["params"]:
                    lines.append(f"params = {_toml_value(d['params'])}")
            elif d.get(key) is not None:
                lines.append(f"{key} = {_toml_value(d[key])}")
        lines.append("")
    text = "\n".join(lines)
    if path is not None:
        with open(path, "w", encoding="utf-8") as fh:
            fh.write(text)
    return text


# ============================================================================ SeQUeNCe JSON
def _json_doc(source, owner: str) -> tuple[dict, str]:
    if isinstance(source, dict):
        return source, "<dict>"
    text, label = _source_text(source, owner, (".json",))
    try:
        doc = json.loads(text)
    except json.JSONDecodeError as exc:
        raise ScenarioError(f"{owner}: {label} is not valid JSON: {exc}") from None
    if not isinstance(doc, dict):
        raise ScenarioError(f"{owner}: {label} must hold a JSON object with 'nodes'")
    return doc, label


def _sequence_memory(doc: dict, spec: dict) -> float | None:
    """``t2_s`` from the node's template ``MemoryArray.coherence_time`` (None when absent or infinite)."""
    tpl = spec.get("template")
    if tpl is None:
        return None
    mem = (doc.get("templates", {}) or {}).get(tpl, {}).get("MemoryArray", {})
    t = mem.get("coherence_time")
    if t is None or (isinstance(t, (int, float)) and t <= 0):
        return None
    return t


def read_sequence_json(source: str | os.PathLike | dict, *, users: Any = None) -> Network:
    """Import a SeQUeNCe JSON topology (mapping above).

    Parameters
    ----------
    source : str, os.PathLike or dict
        Path, JSON text, or the parsed object.
    users : iterable of str, optional
        Node names to import as users; default every node that is not a ``QuantumRouter`` or
        ``BSMNode`` (SeQUeNCe's routers are both end nodes and repeaters: name the ends here).

    Returns
    -------
    Network

    Examples
    --------
    >>> doc = {"nodes": [{"name": "a", "type": "QuantumRouter"}, {"name": "b", "type": "QuantumRouter"}],
    ...        "qconnections": [{"node1": "a", "node2": "b", "attenuation": 0.0002, "distance": 2e4}]}
    >>> net = read_sequence_json(doc, users=["a", "b"])
    >>> net.users, net.link("a", "b")["length_km"]
    (('a', 'b'), 20.0)
    """
    owner = "read_sequence_json()"
    doc, label = _json_doc(source, owner)
    where = f"{owner}: {label}"
    nodes = doc.get("nodes")
    if not isinstance(nodes, list) or not nodes:
        raise ScenarioError(f"{where}: 'nodes' must be a non-empty list of {{'name', 'type'}} objects")
    user_set = None if users is None else set(users)
    net = Network(str(doc.get("name", "sequence")))
    bsm: set = set()
    for i, spec in enumerate(nodes):
        if not isinstance(spec, dict) or not isinstance(spec.get("name"), str) or not isinstance(spec.get("type"), str):
            raise ScenarioError(f"{where}: nodes[{i}]={spec!r} needs a string 'name' and a string 'type'")
        name, typ = spec["name"], spec["type"]
        label_n = f"node {name!r}"
        if name in net or name in bsm:
            raise ScenarioError(f"{where}: {label_n} is defined twice")
        try:
            extra = spec.get("qnet")
            if isinstance(extra, dict):
                _add_qnet_node(net, name, extra)
                continue
            if typ == "BSMNode" and (user_set is None or name not in user_set):
                bsm.add(name)
                continue
            memo = spec.get("memo_size")
            t2 = _sequence_memory(doc, spec)
            is_user = name in user_set if user_set is not None else typ != "QuantumRouter"
            if is_user:
                net.add_user(name, memories=memo, t2_s=t2)
            else:
                net.add_repeater(name, memories=memo, t2_s=t2)
        except ParameterError as exc:
            raise ScenarioError(f"{where}: {label_n} ({typ}): {exc}") from None
    if user_set is not None:
        missing = sorted(user_set - set(net.nodes()))
        if missing:
            raise ScenarioError(f"{where}: users={missing!r} are not nodes of the topology")
    for key in ("qconnections",):
        for i, c in enumerate(doc.get(key, []) or []):
            _sequence_link(net, c, ("node1", "node2"), f"{where}: {key}[{i}]", bsm)
    # one-way qchannels: fold the two channels into each BSM node, keep the others (deduplicated)
    into: dict = {}
    for i, c in enumerate(doc.get("qchannels", []) or []):
        w = f"{where}: qchannels[{i}]"
        if not isinstance(c, dict) or not all(isinstance(c.get(k), str) for k in ("source", "destination")):
            raise ScenarioError(f"{w}: {c!r} needs string 'source' and 'destination'")
        s, d = c["source"], c["destination"]
        if d in bsm or s in bsm:
            m, other = (d, s) if d in bsm else (s, d)
            into.setdefault(m, {})[other] = (c, w)
        else:
            _sequence_link(net, c, ("source", "destination"), w, bsm, skip_existing=True)
    for m, chans in into.items():
        if len(chans) != 2:
            raise ScenarioError(f"{where}: node {m!r} (BSMNode) has quantum channels from {sorted(chans)}; a BSM "
                                "node joins exactly two nodes")
        (a, (ca, wa)), (b, (cb, wb)) = sorted(chans.items())
        la, aa = _sequence_fiber(ca, wa, f"link {a!r}-{m!r}")
        lb, ab = _sequence_fiber(cb, wb, f"link {b!r}-{m!r}")
        alpha = aa if aa == ab else (aa * la + ab * lb) / (la + lb) if la + lb > 0 else max(aa, ab)
        _add_fiber(net, a, b, la + lb, alpha, f"{where}: link {a!r}-{b!r} (through {m!r})")
    return net


def _sequence_fiber(c: dict, where: str, label: str) -> tuple[float, float]:
    dist, att = c.get("distance"), c.get("attenuation", 0.0)
    for key, v in (("distance", dist), ("attenuation", att)):
        if isinstance(v, bool) or not isinstance(v, (int, float)) or not math.isfinite(v) or v < 0:
            raise ScenarioError(f"{where}: {label}: {key}={v!r} must be a finite number >= 0 "
                                "(SeQUeNCe: distance in m, attenuation in dB/m)")
    return dist / 1000.0, att * 1000.0


def _add_fiber(net: Network, a: str, b: str, length: float, alpha: float, where: str) -> None:
    try:
        net.add_fiber(a, b, length_km=length, attenuation_db_per_km=alpha)
    except ParameterError as exc:
        raise ScenarioError(f"{where}: {exc}") from None


def _sequence_link(net: Network, c, keys: tuple, where: str, bsm: set, skip_existing: bool = False) -> None:
    if not isinstance(c, dict) or not all(isinstance(c.get(k), str) for k in keys):
        raise ScenarioError(f"{where}: {c!r} needs string {keys[0]!r} and {keys[1]!r}")
    a, b = c[keys[0]], c[keys[1]]
    label = f"link {a!r}-{b!r}"
    for n in (a, b):
        if n not in net:
            raise ScenarioError(f"{where}: {label}: node {n!r} is not in 'nodes'")
    if skip_existing and a != b and b in net.graph.adj[a]:
        return
    length, alpha = _sequence_fiber(c, where, label)
    _add_fiber(net, a, b, length, alpha, f"{where}: {label}")


def _add_qnet_node(net: Network, name: str, extra: dict) -> None:
    kind = extra.get("kind")
    if kind not in NODE_KINDS:
        raise ParameterError(f"qnet.kind={kind!r} is not allowed; use one of {NODE_KINDS}")
    kwargs = {}
    for k, v in extra.items():
        if k == "kind":
            continue
        if k not in _COMMON_NODE_KEYS + _NODE_KEYS[kind]:
            raise ParameterError(f"unknown qnet key {k!r} for a {kind}")
        kwargs[k] = math.inf if v == "inf" else tuple(v) if isinstance(v, list) else v
    getattr(net, _ADD[kind])(name, **kwargs)


def write_sequence_json(network: Network, path: str | os.PathLike | None = None) -> dict:
    """The network in SeQUeNCe's JSON topology format (fibre links only).

    Parameters
    ----------
    network : Network
        Every link must be a fibre.
    path : str or os.PathLike, optional
        File to write (indented JSON).

    Returns
    -------
    dict
        ``nodes`` (repeaters and users as ``QuantumRouter``, other kinds as ``QKDNode``, each with
        qnetsim's data under ``"qnet"``), ``qconnections`` (distance in m, attenuation in dB/m)
        and ``cconnections`` (the same pairs, delay ``distance / (c / 1.44)`` in ps).
    """
    from channels.fiber import SPEED_OF_LIGHT_KM_PER_S

    if not isinstance(network, Network):
        raise ParameterError(f"write_sequence_json(): network must be a Network, got {type(network).__name__}")
    nodes = []
    for name in network.nodes():
        d = network.node(name)
        extra = {"kind": d["kind"]}
        for key in _COMMON_NODE_KEYS[2:] + _NODE_KEYS[d["kind"]]:
            v = d.get(key)
            if v is not None:
                extra[key] = "inf" if v == math.inf else list(v) if isinstance(v, tuple) else v
        typ = "QuantumRouter" if d["kind"] in ("repeater", "user") else "QKDNode"
        node = {"name": name, "type": typ, "qnet": extra}
        if d["memories"] is not None:
            node["memo_size"] = d["memories"]
        nodes.append(node)
    qc, cc = [], []
    for a, b in network.links():
        d = network.link(a, b)
        if d["kind"] != "fiber":
            raise ParameterError(f"write_sequence_json(): link {a!r}-{b!r} is a {d['kind']} link; SeQUeNCe's "
                                 "format has fibre links only")
        qc.append({"node1": a, "node2": b, "attenuation": d["attenuation_db_per_km"] / 1000.0,
                   "distance": d["length_km"] * 1000.0})
        cc.append({"node1": a, "node2": b, "distance": d["length_km"] * 1000.0,
                   "delay": d["length_km"] / (SPEED_OF_LIGHT_KM_PER_S / 1.44) * 1e12})
    doc = {"name": network.name, "nodes": nodes, "qconnections": qc, "cconnections": cc}
    if path is not None:
        with open(path, "w", encoding="utf-8") as fh:
            json.dump(doc, fh, indent=2)
    return doc


# ============================================================================ GraphML
def write_graphml(network: Network, path: str | os.PathLike) -> None:
    """Write the network as GraphML with scalar attributes (readable by :func:`networkx.read_graphml`).

    Parameters
    ----------
    network : Network
    path : str or os.PathLike
        Output file.

    Returns
    -------
    None
    """
    import networkx as nx

    if not isinstance(network, Network):
        raise ParameterError(f"write_graphml(): network must be a Network, got {type(network).__name__}")
    g = nx.Graph(name=network.name, fiber_slack=network.fiber_slack)
    for name in network.nodes():
        d = network.node(name)
        out: dict[str, Any] = {"kind": d["kind"]}
        if d["position_km"] is not None:
            out["x_km"], out["y_km"] = d["position_km"]
        if d["latlon_deg"] is not None:
            out["lat_deg"], out["lon_deg"] = d["latlon_deg"]
        for key in ("memories", "t1_s", "t2_s", "insertion_loss_db", "altitude_km"):
            if d[key] is not None:
                out[key] = d[key]
        g.add_node(name, **out)
    for a, b in network.links():
        d = network.link(a, b)
        out = {k: d[k] for k in ("kind", "length_km", "attenuation_db_per_km", "elevation_deg", "preset", "slack",
                                 "loss_db", "transmissivity") if d[k] is not None}
        for k, v in d["params"].items():
            if isinstance(v, (bool, int, float, str)):
                out[f"param_{k}"] = v
        g.add_edge(a, b, **out)
    nx.write_graphml(g, path)
