"""Topology of a quantum network: :class:`Network`, nodes and links on a :class:`networkx.Graph`.

Nodes (``kind``; the attributes each kind carries; every other attribute is ``None``):

* ``"user"``: an end node. ``memories``, ``t1_s``, ``t2_s`` are optional; when given they
  limit the repeater chains that end at the user (see :mod:`protocols.network.evaluation`).
* ``"repeater"``: a quantum repeater node with ``memories`` qubits per side and memory times
  ``t1_s`` and ``t2_s`` (``T2 = 2 T1`` when only T1 is given, as
  :class:`protocols.repeaters.repeater_chain.RepeaterChain`); what a node leaves out comes from
  the chain template the path is evaluated with (:class:`protocols.network.evaluation.PathModel`).
* ``"trusted_relay"``: a trusted node (key is relayed with one-time pads,
  :mod:`protocols.qkd.trusted_node`).
* ``"switch"``: a transparent optical switch with ``insertion_loss_db`` (default 1.0 dB, an
  assumed typical value for a MEMS or piezo fibre switch); a path through it is one optical
  channel whose loss is the sum of its fibres' and switches' losses.
* ``"ground_station"``: a trusted ground terminal of satellite downlinks (as Xinglong and Graz
  for Micius, Liao et al., PRL 120, 030501 (2018)).
* ``"satellite"``: a trusted satellite (``altitude_km``, default 500 km, as Micius) whose
  downlinks reach ground stations.

Trusted nodes are ``trusted_relay``, ``ground_station`` and ``satellite`` (:data:`TRUSTED_KINDS`);
memory nodes are ``user`` and ``repeater``. A user is never an inner node of a path.

Links (``kind``), one per pair of nodes:

* ``"fiber"``: ``length_km`` and ``attenuation_db_per_km`` (default 0.2); transmissivity
  ``10**(-alpha L / 10)`` (:func:`protocols.qkd.bounds.fiber_transmissivity`). Without
  ``length_km`` the length is the distance between the two nodes' positions times the slack
  factor (below).
* ``"free_space"``: a terrestrial :class:`channels.free_space.FreeSpaceLink` over
  ``length_km`` (its ``distance_km``) with any of its parameters (``params``).
* ``"downlink"``: from a satellite to a ground station,
  :func:`channels.free_space.satellite_downlink` at ``elevation_deg`` with a ``preset`` of
  :data:`channels.free_space.DOWNLINK_PRESETS` (default ``"micius-qkd-2017"``) and parameters
  overriding it; ``length_km`` is the slant range. Without ``elevation_deg`` it follows from
  the satellite's sub-satellite point and the station's latitude/longitude
  (:func:`channels.free_space.elevation_and_range`). The rate is the one while the satellite
  is at that elevation (no averaging over a pass).

Every link stores its ``loss_db`` and ``transmissivity`` (detectors excluded).

Positions: ``position_km = (x, y)`` on a plane, or ``latlon_deg = (latitude, longitude)`` on a
sphere of radius :data:`channels.free_space.EARTH_RADIUS_KM`. The default fibre length is the
Euclidean distance, or the great-circle (haversine) distance, times ``fiber_slack`` (default 1.0:
the geodesic). Real fibre routes are longer: the Beijing-Shanghai backbone has about 2000 km
of fibre (Chen et al., Nature 589, 214 (2021)) for about 1070 km of great-circle distance, a
slack of about 1.9; give the slack of your routes (per network or per link).

Errors: bad values raise :class:`~qnet_core.errors.ParameterError` naming the method, the node
or link, the argument and what is allowed; file readers (:mod:`protocols.network.formats`)
raise :class:`~qnet_core.errors.ScenarioError`.
"""

from __future__ import annotations

import math
from collections.abc import Iterator
from typing import Any

import networkx as nx

from qnet_core.errors import ParameterError
from qnet_core.validation import check_nonnegative, check_positive

__all__ = ["Network", "NODE_KINDS", "LINK_KINDS", "TRUSTED_KINDS", "MEMORY_KINDS", "DEFAULT_SWITCH_LOSS_DB",
           "great_circle_km"]

#: Kinds of node a :class:`Network` holds.
NODE_KINDS = ("user", "repeater", "trusted_relay", "switch", "ground_station", "satellite")
#: Kinds of link.
LINK_KINDS = ("fiber", "free_space", "downlink")
#: Nodes that relay key as trusted nodes.
TRUSTED_KINDS = ("trusted_relay", "ground_station", "satellite")
#: Nodes that hold quantum memories (the ends and inner nodes of repeater chains).
MEMORY_KINDS = ("user", "repeater")
#: Insertion loss of a switch unless given, dB (an assumed typical value for a fibre switch).
DEFAULT_SWITCH_LOSS_DB = 1.0

#: Every node attribute (``None`` where a kind does not use it).
_NODE_FIELDS = ("kind", "position_km", "latlon_deg", "memories", "t1_s", "t2_s", "insertion_loss_db", "altitude_km")
#: Every link attribute.
_LINK_FIELDS = ("kind", "length_km", "attenuation_db_per_km", "elevation_deg", "preset", "params", "slack",
                "loss_db", "transmissivity")


def great_circle_km(latlon_a: tuple[float, float], latlon_b: tuple[float, float]) -> float:
    """Great-circle distance between two points given as (latitude, longitude) in degrees.

    Parameters
    ----------
    latlon_a, latlon_b : tuple of float
        Latitude in [-90, 90] and longitude in [-180, 360] degrees.

    Returns
    -------
    float
        Distance in km on a sphere of radius :data:`channels.free_space.EARTH_RADIUS_KM`
        (haversine formula).

    Notes
    -----
    ``d = 2 R asin(sqrt(sin^2(dphi/2) + cos(phi1) cos(phi2) sin^2(dlambda/2)))``; Sinnott,
    "Virtues of the haversine", Sky and Telescope 68, 159 (1984).

    Examples
    --------
    >>> round(great_circle_km((0.0, 0.0), (0.0, 1.0)), 3)
    111.195
    """
    from channels.free_space import EARTH_RADIUS_KM

    a = _latlon(latlon_a, "latlon_a", "great_circle_km")
    b = _latlon(latlon_b, "latlon_b", "great_circle_km")
    p1, p2 = math.radians(a[0]), math.radians(b[0])
    dp, dl = p2 - p1, math.radians(b[1] - a[1])
    h = math.sin(dp / 2.0) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2.0) ** 2
    return 2.0 * EARTH_RADIUS_KM * math.asin(min(1.0, math.sqrt(h)))


def _pair(value, name: str, owner: str) -> tuple[float, float]:
    if isinstance(value, (str, bytes)) or not hasattr(value, "__len__") or len(value) != 2:
        raise ParameterError(f"{owner}: {name}={value!r} must be a pair of two numbers")
    x, y = value
    for v in (x, y):
        if isinstance(v, bool) or not isinstance(v, (int, float)) or not math.isfinite(v):
            raise ParameterError(f"{owner}: {name}={value!r} must be a pair of two finite numbers")
    return float(x), float(y)


def _latlon(value, name: str, owner: str) -> tuple[float, float]:
    lat, lon = _pair(value, name, owner)
    if not -90.0 <= lat <= 90.0 or not -180.0 <= lon <= 360.0:
        raise ParameterError(f"{owner}: {name}={value!r} must be (latitude in [-90, 90], longitude in [-180, 360]) "
                             "degrees")
    return lat, lon


class Network:
    """A quantum network: typed nodes and links on an undirected :class:`networkx.Graph`.

    Build it with the ``add_*`` methods, from a TOML file (:meth:`from_toml`) or from a SeQUeNCe
    JSON topology (:meth:`from_sequence_json`); export it with :meth:`to_toml`,
    :meth:`to_sequence_json` and :meth:`to_graphml`. The model of every node and link kind is in
    the module docstring of :mod:`protocols.network.topology`.

    Parameters
    ----------
    name : str, default "network"
        A label.
    fiber_slack : float, default 1.0
        Fibre length over the straight (or great-circle) distance between positioned nodes,
        used when a fibre is added without ``length_km`` (>= 1).

    Examples
    --------
    >>> net = Network()
    >>> net.add_user("alice", position_km=(0.0, 0.0))
    >>> net.add_trusted_relay("relay", position_km=(30.0, 40.0))
    >>> net.add_user("bob", position_km=(60.0, 80.0))
    >>> net.add_fiber("alice", "relay"); net.add_fiber("relay", "bob", length_km=60.0)
    >>> net.link("alice", "relay")["length_km"], net.users
    (50.0, ('alice', 'bob'))
    """

    __slots__ = ("name", "fiber_slack", "_g")

    def __init__(self, name: str = "network", *, fiber_slack: float = 1.0):
        if not isinstance(name, str):
            raise ParameterError(f"Network(): name={name!r} must be a string")
        self.name = name
        self.fiber_slack = _slack(fiber_slack, "Network()")
        self._g = nx.Graph(name=name)

    # ------------------------------------------------------------------ reading
    @property
    def graph(self) -> nx.Graph:
        """A read-only view of the underlying :class:`networkx.Graph` (node and edge attributes as documented)."""
        return nx.freeze(self._g.copy(as_view=True))

    @property
    def users(self) -> tuple:
        """Names of the user nodes, in insertion order."""
        return self.nodes("user")

    def nodes(self, kind: str | None = None) -> tuple:
        """Names of the nodes, optionally of one kind, in insertion order.

        Parameters
        ----------
        kind : str, optional
            One of :data:`NODE_KINDS`.

        Returns
        -------
        tuple of str
        """
        if kind is None:
            return tuple(self._g.nodes)
        _choice(kind, NODE_KINDS, "kind", "Network.nodes()")
        return tuple(n for n, d in self._g.nodes(data=True) if d["kind"] == kind)

    def links(self) -> tuple:
        """The links as ``(a, b)`` pairs, in insertion order.

        Returns
        -------
        tuple of tuple of str
        """
        return tuple(self._g.edges)

    def node(self, name: str) -> dict:
        """The attributes of node ``name`` (a copy).

        Parameters
        ----------
        name : str

        Returns
        -------
        dict
            ``kind``, ``position_km``, ``latlon_deg``, ``memories``, ``t1_s``, ``t2_s``,
            ``insertion_loss_db``, ``altitude_km`` (``None`` where unused).
        """
        self._need_node(name, "Network.node()")
        return dict(self._g.nodes[name])

    def link(self, a: str, b: str) -> dict:
        """The attributes of the link between ``a`` and ``b`` (a copy).

        Parameters
        ----------
        a, b : str
            Node names (either order).

        Returns
        -------
        dict
            ``kind``, ``length_km``, ``attenuation_db_per_km``, ``elevation_deg``, ``preset``,
            ``params`` (dict), ``slack``, ``loss_db``, ``transmissivity``.
        """
        self._need_node(a, "Network.link()")
        self._need_node(b, "Network.link()")
        if not self._g.has_edge(a, b):
            raise ParameterError(f"Network.link(): there is no link {a!r}-{b!r}")
        d = dict(self._g.edges[a, b])
        d["params"] = dict(d["params"])
        return d

    def __contains__(self, name: object) -> bool:
        return name in self._g

    def __iter__(self) -> Iterator[str]:
        return iter(self._g.nodes)

    def __len__(self) -> int:
        return self._g.number_of_nodes()

    def __repr__(self) -> str:
        kinds = {}
        for _, d in self._g.nodes(data=True):
            kinds[d["kind"]] = kinds.get(d["kind"], 0) + 1
        body = ", ".join(f"{k}={v}" for k, v in kinds.items())
        return f"Network({self.name!r}, nodes={len(self)} ({body}), links={self._g.number_of_edges()})"

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Network):
            return NotImplemented
        if set(self._g.nodes) != set(other._g.nodes) or set(map(frozenset, self._g.edges)) != set(
                map(frozenset, other._g.edges)):
            return False
        return (all(self._g.nodes[n] == other._g.nodes[n] for n in self._g.nodes)
                and all(self._g.edges[e] == other._g.edges[e] for e in self._g.edges))

    __hash__ = None  # mutable

    def copy(self) -> "Network":
        """An independent copy.

        Returns
        -------
        Network
        """
        net = Network(self.name, fiber_slack=self.fiber_slack)
        net._g = self._g.copy()
        for e in net._g.edges:
            net._g.edges[e]["params"] = dict(net._g.edges[e]["params"])
        return net

    # ------------------------------------------------------------------ nodes
    def add_user(self, name: str, *, position_km: tuple[float, float] | None = None,
                 latlon_deg: tuple[float, float] | None = None, memories: int | None = None,
                 t1_s: float | None = None, t2_s: float | None = None) -> None:
        """Add an end user.

        Parameters
        ----------
        name : str
            Unique, non-empty node name.
        position_km : (float, float), optional
            Plane position in km.
        latlon_deg : (float, float), optional
            Latitude and longitude in degrees (instead of ``position_km``).
        memories : int, optional
            Memory qubits (>= 1); limits the repeater chains ending here.
        t1_s, t2_s : float, optional
            Memory times in s (> 0, ``inf`` allowed; ``t2_s <= 2 t1_s``).

        Returns
        -------
        None
        """
        self._add("add_user", name, "user", position_km, latlon_deg, memories=memories, t1_s=t1_s, t2_s=t2_s)

    def add_repeater(self, name: str, *, memories: int | None = None, t1_s: float | None = None,
                     t2_s: float | None = None,
                     position_km: tuple[float, float] | None = None,
                     latlon_deg: tuple[float, float] | None = None) -> None:
        """Add a quantum repeater node.

        Parameters
        ----------
        name : str
            Unique, non-empty node name.
        memories : int, optional
            Memory qubits per side (>= 1), i.e. parallel channels per segment; default: the
            chain template's ``memories_per_node``.
        t1_s : float, optional
            Memory relaxation time in s (> 0, ``inf`` allowed); default: the template's.
        t2_s : float, optional
            Memory coherence time in s (> 0, ``<= 2 t1_s``); default ``2 t1_s`` when ``t1_s`` is
            given (no pure dephasing), else the template's.
        position_km, latlon_deg : (float, float), optional
            As in :meth:`add_user`.

        Returns
        -------
        None
        """
        self._add("add_repeater", name, "repeater", position_km, latlon_deg, memories=memories, t1_s=t1_s, t2_s=t2_s)

    def add_trusted_relay(self, name: str, *, position_km: tuple[float, float] | None = None,
                          latlon_deg: tuple[float, float] | None = None) -> None:
        """Add a trusted relay node (terminates QKD links and relays key).

        Parameters
        ----------
        name : str
            Unique, non-empty node name.
        position_km, latlon_deg : (float, float), optional
            As in :meth:`add_user`.

        Returns
        -------
        None
        """
        self._add("add_trusted_relay", name, "trusted_relay", position_km, latlon_deg)

    def add_switch(self, name: str, *, insertion_loss_db: float = DEFAULT_SWITCH_LOSS_DB,
                   position_km: tuple[float, float] | None = None,
                   latlon_deg: tuple[float, float] | None = None) -> None:
        """Add a transparent optical switch.

        Parameters
        ----------
        name : str
            Unique, non-empty node name.
        insertion_loss_db : float, default 1.0
            Loss of a photon passing the switch, dB (>= 0).
        position_km, latlon_deg : (float, float), optional
            As in :meth:`add_user`.

        Returns
        -------
        None
        """
        self._add("add_switch", name, "switch", position_km, latlon_deg, insertion_loss_db=insertion_loss_db)

    def add_ground_station(self, name: str, *, position_km: tuple[float, float] | None = None,
                           latlon_deg: tuple[float, float] | None = None) -> None:
        """Add a trusted ground station (end of satellite downlinks; may also have fibres).

        Parameters
        ----------
        name : str
            Unique, non-empty node name.
        position_km, latlon_deg : (float, float), optional
            As in :meth:`add_user`; ``latlon_deg`` lets downlinks compute their elevation.

        Returns
        -------
        None
        """
        self._add("add_ground_station", name, "ground_station", position_km, latlon_deg)

    def add_satellite(self, name: str, *, altitude_km: float = 500.0,
                      latlon_deg: tuple[float, float] | None = None) -> None:
        """Add a trusted satellite.

        Parameters
        ----------
        name : str
            Unique, non-empty node name.
        altitude_km : float, default 500
            Orbit altitude in km (> 0).
        latlon_deg : (float, float), optional
            Sub-satellite point, used by downlinks given without ``elevation_deg``.

        Returns
        -------
        None
        """
        self._add("add_satellite", name, "satellite", None, latlon_deg, altitude_km=altitude_km)

    def _add(self, method: str, name, kind: str, position_km, latlon_deg, **fields) -> None:
        owner = f"Network.{method}()"
        if not isinstance(name, str) or not name.strip():
            raise ParameterError(f"{owner}: name={name!r} must be a non-empty string")
        if name in self._g:
            raise ParameterError(f"{owner}: node {name!r} already exists (as a {self._g.nodes[name]['kind']})")
        where = f"{owner}: node {name!r}:"
        attrs: dict[str, Any] = dict.fromkeys(_NODE_FIELDS)
        attrs["kind"] = kind
        if position_km is not None and latlon_deg is not None:
            raise ParameterError(f"{where} give position_km or latlon_deg, not both")
        if position_km is not None:
            attrs["position_km"] = _pair(position_km, "position_km", where[:-1])
        if latlon_deg is not None:
            attrs["latlon_deg"] = _latlon(latlon_deg, "latlon_deg", where[:-1])
        if "memories" in fields and fields["memories"] is not None:
            m = fields["memories"]
            if isinstance(m, bool) or not isinstance(m, int) or m < 1:
                raise ParameterError(f"{where} memories={m!r} must be an integer >= 1")
            attrs["memories"] = int(m)
        t1 = fields.get("t1_s")
        t2 = fields.get("t2_s")
        if t1 is not None:
            attrs["t1_s"] = _num(check_positive, t1, "t1_s", where[:-1], allow_inf=True)
        if t2 is not None:
            attrs["t2_s"] = _num(check_positive, t2, "t2_s", where[:-1], allow_inf=True)
            if attrs["t1_s"] is not None and attrs["t2_s"] > 2.0 * attrs["t1_s"]:
                raise ParameterError(f"{where} t2_s={t2!r} exceeds 2 * t1_s = {2.0 * attrs['t1_s']!r}; "
                                     "physical memories have T2 <= 2 T1")
        if "insertion_loss_db" in fields:
            attrs["insertion_loss_db"] = _num(check_nonnegative, fields["insertion_loss_db"], "insertion_loss_db", where[:-1])
        if "altitude_km" in fields:
            attrs["altitude_km"] = _num(check_positive, fields["altitude_km"], "altitude_km", where[:-1])
        self._g.add_node(name, **attrs)

    # ------------------------------------------------------------------ links
    def add_fiber(self, a: str, b: str, *, length_km: float | None = None, attenuation_db_per_km: float = 0.2,
                  slack: float | None = None) -> None:
        """Add a fibre link.

        Parameters
        ----------
        a, b : str
            Existing, distinct nodes, neither a satellite.
        length_km : float, optional
            Fibre length in km (>= 0). Default: the distance between the nodes' positions
            (both ``position_km`` or both ``latlon_deg``) times ``slack``.
        attenuation_db_per_km : float, default 0.2
            Fibre loss in dB/km (>= 0).
        slack : float, optional
            Fibre length over the geometric distance (>= 1); default the network's
            ``fiber_slack``. Only used without ``length_km``.

        Returns
        -------
        None
        """
        from ..qkd.bounds import fiber_transmissivity

        owner = "Network.add_fiber()"
        self._check_link(owner, a, b)
        where = f"{owner}: link {a!r}-{b!r}"
        for n in (a, b):
            if self._g.nodes[n]["kind"] == "satellite":
                raise ParameterError(f"{where}: {n!r} is a satellite; a fibre cannot reach it (use add_downlink)")
        alpha = _num(check_nonnegative, attenuation_db_per_km, "attenuation_db_per_km", where)
        s = None if slack is None else _slack(slack, where)
        if length_km is None:
            length = self._distance(a, b, where) * (self.fiber_slack if s is None else s)
        else:
            length = _num(check_nonnegative, length_km, "length_km", where)
        eta = float(fiber_transmissivity(length, alpha))
        self._link(a, b, kind="fiber", length_km=length, attenuation_db_per_km=alpha, slack=s, loss_db=alpha * length,
                   transmissivity=eta)

    def add_free_space(self, a: str, b: str, *, length_km: float | None = None, **params) -> None:
        """Add a terrestrial free-space optical link (:class:`channels.free_space.FreeSpaceLink`).

        Parameters
        ----------
        a, b : str
            Existing, distinct ground nodes.
        length_km : float, optional
            Path length in km (> 0); default the distance between the nodes' positions.
        **params
            :class:`~channels.free_space.FreeSpaceLink` parameters (``wavelength_m``,
            ``tx_aperture_m``, ``rx_aperture_m``, ``beam_divergence_rad``, ``pointing_jitter_rad``,
            ``receiver_efficiency``, ``extra_loss_db``, ...); ``distance_km`` comes from ``length_km``.

        Returns
        -------
        None
        """
        from channels.free_space import FreeSpaceLink

        owner = "Network.add_free_space()"
        self._check_link(owner, a, b)
        where = f"{owner}: link {a!r}-{b!r}"
        for n in (a, b):
            if self._g.nodes[n]["kind"] == "satellite":
                raise ParameterError(f"{where}: {n!r} is a satellite; use add_downlink")
        if "distance_km" in params:
            raise ParameterError(f"{where}: give length_km, not distance_km")
        length = self._distance(a, b, where) if length_km is None else _num(check_positive, length_km, "length_km", where)
        try:
            fsl = FreeSpaceLink(distance_km=length, **params)
        except TypeError as exc:
            raise ParameterError(f"{where}: {exc}") from None
        except ParameterError as exc:
            raise ParameterError(f"{where}: {exc}") from None
        self._link(a, b, kind="free_space", length_km=length, params=dict(params), loss_db=fsl.loss_db,
                   transmissivity=fsl.transmissivity)

    def add_downlink(self, satellite: str, ground: str, *, elevation_deg: float | None = None,
                     preset: str = "micius-qkd-2017", **params) -> None:
        """Add a satellite-to-ground downlink (:func:`channels.free_space.satellite_downlink`).

        Parameters
        ----------
        satellite : str
            A satellite node.
        ground : str
            A ground station.
        elevation_deg : float, optional
            Elevation of the satellite seen from the station, in (0, 90]; default from the
            satellite's ``latlon_deg`` (sub-satellite point) and the station's ``latlon_deg``.
        preset : str, default "micius-qkd-2017"
            A key of :data:`channels.free_space.DOWNLINK_PRESETS`.
        **params
            Link parameters overriding the preset (as :func:`~channels.free_space.satellite_downlink`).

        Returns
        -------
        None
        """
        from channels.free_space import elevation_and_range, satellite_downlink

        owner = "Network.add_downlink()"
        self._check_link(owner, satellite, ground)
        where = f"{owner}: link {satellite!r}-{ground!r}"
        sat, gnd = self._g.nodes[satellite], self._g.nodes[ground]
        if sat["kind"] != "satellite":
            raise ParameterError(f"{where}: {satellite!r} is a {sat['kind']}; the first node must be a satellite")
        if gnd["kind"] != "ground_station":
            raise ParameterError(f"{where}: {ground!r} is a {gnd['kind']}; the second node must be a ground_station")
        if elevation_deg is None:
            if sat["latlon_deg"] is None or gnd["latlon_deg"] is None:
                raise ParameterError(f"{where}: give elevation_deg, or latlon_deg of both the satellite (sub-satellite "
                                     "point) and the ground station")
            e, _ = elevation_and_range(sat["altitude_km"], great_circle_km(sat["latlon_deg"], gnd["latlon_deg"]))
            if e <= 0.0:
                raise ParameterError(f"{where}: the satellite is below the horizon of {ground!r} "
                                     f"(elevation {e:.2f} degrees)")
        else:
            e = elevation_deg
        try:
            link = satellite_downlink(sat["altitude_km"], e, preset=preset, **params)
        except (ParameterError, TypeError) as exc:
            raise ParameterError(f"{where}: {exc}") from None
        self._link(satellite, ground, kind="downlink", length_km=link.distance_km, elevation_deg=float(link.elevation_deg),
                   preset=preset, params=dict(params), loss_db=link.loss_db, transmissivity=link.transmissivity)

    def _check_link(self, owner: str, a, b) -> None:
        self._need_node(a, owner)
        self._need_node(b, owner)
        if a == b:
            raise ParameterError(f"{owner}: link {a!r}-{b!r} joins a node to itself")
        if self._g.has_edge(a, b):
            raise ParameterError(f"{owner}: link {a!r}-{b!r} already exists (one link per pair of nodes)")

    def _link(self, a: str, b: str, **attrs) -> None:
        full: dict[str, Any] = dict.fromkeys(_LINK_FIELDS)
        full["params"] = {}
        full.update(attrs)
        self._g.add_edge(a, b, **full)

    def _need_node(self, name, owner: str) -> None:
        if not isinstance(name, str) or name not in self._g:
            raise ParameterError(f"{owner}: node {name!r} is not in the network; add it first")

    def _distance(self, a: str, b: str, where: str) -> float:
        na, nb = self._g.nodes[a], self._g.nodes[b]
        if na["position_km"] is not None and nb["position_km"] is not None:
            (xa, ya), (xb, yb) = na["position_km"], nb["position_km"]
            return math.hypot(xb - xa, yb - ya)
        if na["latlon_deg"] is not None and nb["latlon_deg"] is not None:
            return great_circle_km(na["latlon_deg"], nb["latlon_deg"])
        raise ParameterError(f"{where}: give length_km, or positions of both nodes in the same system "
                             "(both position_km or both latlon_deg)")

    # ------------------------------------------------------------------ files
    @classmethod
    def from_toml(cls, source: str | bytes | Any) -> "Network":
        """Read a network from a TOML topology (format in :mod:`protocols.network.formats`).

        Parameters
        ----------
        source : str or os.PathLike
            A path to a ``.toml`` file, or the TOML text itself (a string containing a newline).

        Returns
        -------
        Network
        """
        from .formats import read_toml

        return read_toml(source)

    def to_toml(self, path: str | Any | None = None) -> str:
        """Write the network as TOML (read back by :meth:`from_toml` into an equal network).

        Parameters
        ----------
        path : str or os.PathLike, optional
            File to write; the text is returned in any case.

        Returns
        -------
        str
            The TOML text.
        """
        from .formats import write_toml

        return write_toml(self, path)

    @classmethod
    def from_sequence_json(cls, source: str | Any, *, users: Any = None) -> "Network":
        """Import a SeQUeNCe JSON topology (mapping in :mod:`protocols.network.formats`).

        Parameters
        ----------
        source : str, os.PathLike or dict
            A path to a JSON file, JSON text, or the parsed dict.
        users : iterable of str, optional
            Nodes to import as users (default: every node that is not a ``QuantumRouter`` or
            ``BSMNode``).

        Returns
        -------
        Network
        """
        from .formats import read_sequence_json

        return read_sequence_json(source, users=users)

    def to_sequence_json(self, path: str | Any | None = None) -> dict:
        """Export the fibre topology in SeQUeNCe's JSON format.

        Parameters
        ----------
        path : str or os.PathLike, optional
            File to write; the dict is returned in any case.

        Returns
        -------
        dict
            ``{"nodes": [...], "qconnections": [...], "cconnections": [...]}``.
        """
        from .formats import write_sequence_json

        return write_sequence_json(self, path)

    def to_graphml(self, path: str | Any) -> None:
        """Write the network as GraphML (:func:`networkx.write_graphml`), every attribute a scalar.

        Parameters
        ----------
        path : str or os.PathLike
            Output file.

        Returns
        -------
        None
        """
        from .formats import write_graphml

        write_graphml(self, path)


def _num(check, value, name: str, where: str, **kw) -> float:
    """``check(value, name)`` with the message prefixed by ``where`` (the method and the node or link)."""
    try:
        return check(value, name, "", **kw)
    except ParameterError as exc:
        raise ParameterError(f"{where}: {exc}") from None


def _slack(value, owner: str) -> float:
    s = _num(check_positive, value, "fiber_slack" if owner.startswith("Network()") else "slack", owner)
    if s < 1.0:
        raise ParameterError(f"{owner}: slack={value!r} must be >= 1 (a fibre is never shorter than the geodesic)")
    return s


def _choice(value, allowed, name: str, owner: str) -> str:
    if not isinstance(value, str) or value not in allowed:
        raise ParameterError(f"{owner}: {name}={value!r} is not allowed; use one of {tuple(allowed)}")
    return value
