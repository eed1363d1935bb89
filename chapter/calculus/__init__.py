"""The maths engine of the chapter: every number a reader sees comes from here.

One module per idea — activations (and the central difference the tests check every
derivative by), compositions (the nudge through y = f(g(x))), the two-layer network
(forward, backward, training), depth (gradients through a deep chain or network) and outputs
(a layer's matrix step δ·xᵀ, softmax with cross-entropy).
Callers use this package's names: ``from chapter import calculus; calculus.backward(...)``.
"""

from chapter.calculus.activations import (
    ACTIVATIONS,
    SIGMOID_PRIME_MAX,
    Activation,
    central_difference,
    linear,
    linear_prime,
    prime_is_exact,
    relu,
    relu_prime,
    sigmoid,
    sigmoid_prime,
    tanh,
    tanh_prime,
)
from chapter.calculus.compositions import (
    COMPOSITIONS,
    Composition,
    NeuronChain,
    Nudge,
    difference_quotients,
    inner_function,
    neuron_chain,
    nudge,
    outer_function,
    quotient_grid,
    tangent,
)
from chapter.calculus.depth import (
    INITS,
    ChainLayer,
    NetworkLayer,
    chain_output,
    chain_product,
    gradient_flow,
    network_gradients,
    network_gradients_depths,
    network_gradients_many,
    network_gradients_widths,
    network_output,
    network_setup,
    network_setups,
    sigmoid_bound,
)
from chapter.calculus.fanout import FanOut, fan_out
from chapter.calculus.network import Backprop, backward, forward, gradient_step, train
from chapter.calculus.nudge_changes import NudgeChanges, nudge_changes  # noqa: F401
from chapter.calculus.outputs import (
    DenseBackward,
    SoftmaxCrossEntropy,
    dense_backward,
    one_hot,
    softmax,
    softmax_cross_entropy,
)

__all__ = [
    "ACTIVATIONS",
    "COMPOSITIONS",
    "INITS",
    "SIGMOID_PRIME_MAX",
    "Activation",
    "Backprop",
    "ChainLayer",
    "Composition",
    "DenseBackward",
    "FanOut",
    "NetworkLayer",
    "NeuronChain",
    "Nudge",
    "SoftmaxCrossEntropy",
    "backward",
    "central_difference",
    "chain_output",
    "chain_product",
    "dense_backward",
    "difference_quotients",
    "fan_out",
    "forward",
    "gradient_flow",
    "gradient_step",
    "inner_function",
    "linear",
    "linear_prime",
    "network_gradients",
    "network_gradients_depths",
    "network_gradients_many",
    "network_gradients_widths",
    "network_output",
    "network_setup",
    "network_setups",
    "neuron_chain",
    "nudge",
    "one_hot",
    "outer_function",
    "prime_is_exact",
    "quotient_grid",
    "relu",
    "relu_prime",
    "sigmoid",
    "sigmoid_bound",
    "sigmoid_prime",
    "softmax",
    "softmax_cross_entropy",
    "tangent",
    "tanh",
    "tanh_prime",
    "train",
]
