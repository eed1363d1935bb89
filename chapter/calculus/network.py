"""The two-layer network h = σ(W₁x), ŷ = W₂h, L = (ŷ − t)²: forward, backward, training."""

from __future__ import annotations

from dataclasses import asdict, dataclass

from chapter.calculus.activations import sigmoid, sigmoid_prime


@dataclass(frozen=True)
class Backprop:
    """One forward and one backward pass through h = σ(W₁x), ŷ = W₂h, L = (ŷ − target)².

    The backward factors are named after the stage they belong to; ``dL_dw1`` is their
    product, visited from the loss back to the first weight.
    """

    x: float
    w1: float
    w2: float
    target: float
    # forward: values flow left to right
    z: float  # W₁x
    h: float  # σ(z)
    y_hat: float  # W₂h
    loss: float  # (ŷ − target)²
    # backward: local derivatives, outermost first
    dL_dyhat: float  # 2(ŷ − target)
    dyhat_dh: float  # W₂
    dh_dz: float  # σ′(z)
    dz_dw1: float  # x
    dL_dw1: float
    dL_dw2: float  # ∂L/∂ŷ · ∂ŷ/∂W₂ = ∂L/∂ŷ · h

    def as_dict(self) -> dict[str, float]:
        return asdict(self)

    @property
    def dL_dh(self) -> float:
        """The running product after two backward factors: ∂L/∂ŷ · ∂ŷ/∂h."""
        return self.dL_dyhat * self.dyhat_dh

    @property
    def dL_dz(self) -> float:
        """After three: ∂L/∂ŷ · ∂ŷ/∂h · ∂h/∂z."""
        return self.dL_dyhat * self.dyhat_dh * self.dh_dz


def forward(x: float, w1: float, w2: float, target: float) -> tuple[float, float, float, float]:
    """The forward pass, storing every intermediate: (z, h, ŷ, L)."""
    z = w1 * x
    h = float(sigmoid(z))
    y_hat = w2 * h
    loss = (y_hat - target) ** 2
    return z, h, y_hat, loss


def backward(x: float, w1: float, w2: float, target: float) -> Backprop:
    """Forward pass, then the chain rule from the loss back to each weight."""
    z, h, y_hat, loss = forward(x, w1, w2, target)
    dL_dyhat = 2.0 * (y_hat - target)
    dyhat_dh = w2
    dh_dz = float(sigmoid_prime(z))
    dz_dw1 = x
    # Outer derivatives first: each factor is the local derivative of one stage.
    dL_dw1 = dL_dyhat * dyhat_dh * dh_dz * dz_dw1
    dL_dw2 = dL_dyhat * h
    return Backprop(
        x=x, w1=w1, w2=w2, target=target,
        z=z, h=h, y_hat=y_hat, loss=loss,
        dL_dyhat=dL_dyhat, dyhat_dh=dyhat_dh, dh_dz=dh_dz, dz_dw1=dz_dw1,
        dL_dw1=dL_dw1, dL_dw2=dL_dw2,
    )

# --- training: gradient descent on the two-layer network ------------------------------------


def gradient_step(x: float, w1: float, w2: float, target: float,
                  eta: float) -> tuple[float, float]:
    """W ← W − η·∂L/∂W for both weights at once."""
    bp = backward(x, w1, w2, target)
    return w1 - eta * bp.dL_dw1, w2 - eta * bp.dL_dw2


def train(x: float, w1: float, w2: float, target: float, eta: float,
          steps: int) -> list[Backprop]:
    """The network after 0, 1, …, ``steps`` gradient steps: the loss falling is training."""
    history = [backward(x, w1, w2, target)]
    for _ in range(steps):
        w1, w2 = gradient_step(x, w1, w2, target, eta)
        history.append(backward(x, w1, w2, target))
    return history
