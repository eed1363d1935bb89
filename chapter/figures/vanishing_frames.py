"""Figure 3's numbers: the state the engine computes at one setting, and every frame's state
along a sweep at once. A real network's sweeps along the seed and the width run every frame's
network side by side, layer by layer (the widths drawn from one stream), and along the depth
run the deepest network forward once and every depth back stacked
(``calculus.network_gradients_many``, ``_widths``, ``_depths``: each network's numbers
exactly those it has computed alone, tests/test_network_batch.py); the scalar chain, which
neither seed nor width changes, is computed once, and along the depth (in either mode) runs
forward once, the deepest (``calculus.gradient_flows``). Any other sweep computes each
frame's state as the builder does.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from chapter import calculus

SETTINGS = ("depth", "activation", "weight", "x", "residual", "compare", "mode", "width", "init",
            "seed")
BATCHED = {"seed": "network_gradients_many", "width": "network_gradients_widths",
           "depth": "network_gradients_depths"}  # calculus's, for a real network's sweep


@dataclass(frozen=True)
class State:
    """The settings and what the engine computed from them, for every part of the figure."""

    depth: int
    activation: str
    weight: float
    x: float
    residual: bool
    mode: str
    width: int
    init: str
    seed: int
    acts: list
    chains: dict
    networks: dict
    memo: dict = field(default_factory=dict, compare=False, repr=False)  # magnitudes, zeros

    def label(self, a: str) -> str:
        return calculus.ACTIVATIONS[a].label

    def magnitudes(self, a: str) -> list[float]:
        """What the figure plots for activation a, first layer first (read, never changed)."""
        if ("m", a) not in self.memo:
            self.memo["m", a] = ([layer.gradient_norm for layer in self.networks[a]]
                                 if self.mode == "network" else
                                 [layer.gradient for layer in self.chains[a]])
        return self.memo["m", a]

    def zero_layers(self, a: str) -> list[int]:
        if ("z", a) not in self.memo:
            self.memo["z", a] = [k + 1 for k, m in enumerate(self.magnitudes(a)) if m == 0]
        return self.memo["z", a]

    @property
    def show_bound(self) -> bool:
        return (self.mode == "chain" and not self.residual and "sigmoid" in self.acts
                and self.weight != 0)

    @classmethod
    def at(cls, depth, activation, weight, x, residual, compare, mode, width, init,
           seed) -> State:
        """The builder's state: the scalar chain and, in network mode, the real network, for
        each activation."""
        acts = _acts(activation, compare)
        return cls(depth, activation, weight, x, residual, mode, width, init, seed, acts,
                   {a: calculus.gradient_flow(depth, a, weight, x, residual) for a in acts},
                   {a: calculus.network_gradients(depth, width, a, init, seed, residual)
                    for a in acts} if mode == "network" else {})


def _acts(activation: str, compare: str) -> list[str]:
    return [activation] + ([compare] if compare not in ("none", activation) else [])


def states(params: dict, param: str, values: list) -> list[State]:
    """``State.at`` the settings in ``params`` with ``param`` at each value."""
    settings = {k: params[k] for k in SETTINGS}
    network = params["mode"] == "network"
    if param not in BATCHED or not (network or param == "depth"):
        return [State.at(**{**settings, param: value}) for value in values]
    p, acts = settings, _acts(params["activation"], params["compare"])
    depths = values if param == "depth" else [p["depth"]]
    flows = {a: calculus.gradient_flows(depths, a, p["weight"], p["x"], p["residual"])
             for a in acts}
    chains = [{a: flows[a][i] for a in acts} for i in range(len(depths))]
    swept = {"seed": (p["depth"], p["width"], acts, p["init"], values),
             "width": (p["depth"], values, acts, p["init"], p["seed"]),
             "depth": (values, p["width"], acts, p["init"], p["seed"])}[param]
    networks = (getattr(calculus, BATCHED[param])(*swept, p["residual"]) if network else
                [{}] * len(values))
    fixed = {k: v for k, v in p.items() if k != "compare"}  # State holds acts instead
    return [State(**{**fixed, param: value, "acts": acts, "networks": nets,
                     "chains": chains[i if param == "depth" else 0]})
            for i, (value, nets) in enumerate(zip(values, networks, strict=True))]
