"""Neurons, layers and multilayer perceptrons built from `Value`s, micrograd-compatible.

Example:
    >>> from autograd.nn import MLP
    >>> model = MLP(2, [4, 1], seed=0)
    >>> model
    MLP of [Layer of [ReLUNeuron(2), ReLUNeuron(2), ReLUNeuron(2), ReLUNeuron(2)], Layer of [LinearNeuron(4)]]
    >>> len(model.parameters())         # 4*(2+1) + (4+1)
    17
    >>> model([1.0, -2.0]).module       # the output node was computed by the last neuron
    'layers.1.neurons.0'
"""

from __future__ import annotations

import math
import numbers
import os
import random
from collections import OrderedDict
from contextlib import nullcontext
from typing import Any, Mapping, Sequence, Union

import numpy as np

from .checks import real_number, whole_number
from .engine import Value, add_n, module_scope
from .files import read_document, write_document

__all__ = ["ACTIVATIONS", "INITS", "MLP", "Layer", "Module", "ModelFileError", "Neuron"]

ACTIVATIONS = ("relu", "tanh", "sigmoid", "linear")
# "glorot" is another name for "xavier" (Glorot & Bengio, 2010).
INITS = ("uniform", "xavier", "glorot", "he")

FORMAT_NAME = "backproplab.mlp"
FORMAT_VERSION = 1

Seed = Union[int, random.Random, None]
Input = Union[Sequence[Union[float, Value]], np.ndarray]


class ModelFileError(ValueError):
    """A saved model file is unreadable, truncated, of another format or inconsistent."""


class Module:
    """Base class: anything that owns parameters (micrograd's `Module`, with names).

    Subclasses list their own parameters in `_own_parameters` and their
    sub-modules in `_children`; names, zeroing and state dicts follow.
    """

    name: str = ""      # qualified name from the root module ("" for the root)
    _local: str = ""    # name inside the parent ("neurons.3"); the scope it computes in

    def _own_parameters(self) -> list[tuple[str, Value]]:
        return []

    def _children(self) -> list[tuple[str, Module]]:
        return []

    def named_parameters(self) -> list[tuple[str, Value]]:
        """Every parameter with its qualified name, in a fixed order.

        Example:
            >>> [name for name, _ in Neuron(2, seed=0).named_parameters()]
            ['w[0]', 'w[1]', 'b']
        """
        named = list(self._own_parameters())
        for local, child in self._children():
            named += [(f"{local}.{name}", p) for name, p in child.named_parameters()]
        return named

    def parameters(self) -> list[Value]:
        """Every parameter (micrograd's order: each neuron's weights, then its bias)."""
        return [p for _, p in self.named_parameters()]

    def zero_grad(self) -> None:
        """Set every parameter's gradient to 0 (call before each ``backward``).

        Example:
            >>> n = Neuron(1, seed=0)
            >>> n([2.0]).backward(); n.zero_grad()
            >>> [p.grad for p in n.parameters()]
            [0.0, 0.0]
        """
        for p in self.parameters():
            p.grad = 0.0

    def state_dict(self) -> OrderedDict[str, float]:
        """The parameters' values by qualified name (a copy: later training leaves it alone).

        Example:
            >>> Neuron(1, seed=0).state_dict()
            OrderedDict([('w[0]', 0.6888437030500962), ('b', 0.0)])
        """
        return OrderedDict((name, p.data) for name, p in self.named_parameters())

    def load_state_dict(self, state: Mapping[str, float]) -> None:
        """Set the parameters from a `state_dict`; all or nothing.

        Raises:
            TypeError: `state` is not a mapping or holds a non-number.
            ValueError: names missing or unexpected, or a value is not finite.

        Example:
            >>> n = Neuron(1, seed=0)
            >>> n.load_state_dict({"w[0]": 0.5, "b": -1.0})
            >>> n.w[0].data, n.b.data
            (0.5, -1.0)
        """
        where = f"{type(self).__name__}.load_state_dict"
        if not isinstance(state, Mapping):
            raise TypeError(f"{where}: expected a mapping name -> float, got {type(state).__name__}")
        named = self.named_parameters()
        names = [name for name, _ in named]
        known = set(names)
        missing = [n for n in names if n not in state]
        unexpected = [n for n in state if n not in known]
        if missing or unexpected:
            raise ValueError(
                f"{where}: the names do not match the model ({len(state)} given, {len(names)} "
                f"expected); missing {missing[:5]}{'...' if len(missing) > 5 else ''}, "
                f"unexpected {unexpected[:5]}{'...' if len(unexpected) > 5 else ''}"
            )
        values = [real_number(state[name], f"{where}: {name!r}") for name in names]
        # Checked everything first, so a bad entry leaves the model untouched.
        for (_, p), v in zip(named, values):
            p.data = v

    def _label_parameters(self) -> None:
        """As the root: name every descendant module and label every parameter."""
        stack: list[Module] = [self]
        while stack:
            parent = stack.pop()
            for local, child in parent._children():
                child._local = local
                child.name = f"{parent.name}.{local}" if parent.name else local
                stack.append(child)
        for name, p in self.named_parameters():
            p.label = name

    def _scope(self) -> Any:
        # The root has no name: its nodes are stamped by its children's scopes.
        return module_scope(self._local) if self._local else nullcontext()


class Neuron(Module):
    """One unit: ``activation(b + w·x)`` (micrograd's `Neuron`, plus activations and inits).

    Args:
        nin: number of inputs.
        nonlin: micrograd's switch: ReLU if True, linear if False.
        activation: "relu", "tanh", "sigmoid" or "linear"; overrides `nonlin`.
        init: "uniform" (micrograd's U(-1, 1)), "xavier"/"glorot" (U(±sqrt(6/(nin+fan_out))))
            or "he" (U(±sqrt(6/nin)), PyTorch's kaiming_uniform_ for ReLU).
        seed: an int for a private ``random.Random(seed)``, a ``random.Random``
            to draw from, or None for Python's global `random` (as micrograd).
        fan_out: outputs of the layer this neuron belongs to (only "xavier" reads it).

    Example:
        >>> n = Neuron(2, activation="tanh", seed=1)
        >>> n, [round(w.data, 4) for w in n.w], n.b.data
        (TanhNeuron(2), [-0.7313, 0.6949], 0.0)
    """

    def __init__(
        self,
        nin: int,
        nonlin: bool = True,
        *,
        activation: str | None = None,
        init: str = "uniform",
        seed: Seed = None,
        fan_out: int = 1,
    ) -> None:
        whole_number(nin, "Neuron: nin", minimum=1)
        if activation is None:
            activation = "relu" if nonlin else "linear"
        self.activation = _check_activation(activation, "Neuron")
        self.init = _check_init(init, "Neuron")
        bound = _init_bound(self.init, nin, fan_out)
        rng = _rng(seed, "Neuron")
        # micrograd's draw order: all weights, then the bias (which draws nothing).
        self.w = [Value(rng.uniform(-bound, bound)) for _ in range(nin)]
        self.b = Value(0)
        self._label_parameters()

    @property
    def nin(self) -> int:
        """Number of inputs."""
        return len(self.w)

    @property
    def nonlin(self) -> bool:
        """micrograd's flag: True unless the activation is linear."""
        return self.activation != "linear"

    def _own_parameters(self) -> list[tuple[str, Value]]:
        return [(f"w[{i}]", w) for i, w in enumerate(self.w)] + [("b", self.b)]

    def __call__(self, x: Input) -> Value:
        return self._forward(_check_input(x, self.nin, repr(self)))

    def _forward(self, x: Sequence[Any]) -> Value:
        with self._scope():
            # b first, then w0*x0, w1*x1, ...: the rounding of micrograd's sum(..., self.b).
            act = add_n([self.b] + [wi * xi for wi, xi in zip(self.w, x)])
            return _activate(act, self.activation)

    def __repr__(self) -> str:
        return f"{_DISPLAY[self.activation]}Neuron({self.nin})"


class Layer(Module):
    """`nout` neurons reading the same inputs (micrograd's `Layer`).

    Takes the same options as `Neuron`; one seed (or the global `random`) feeds
    all neurons in order. Returns a single `Value` when ``nout == 1``, else a list.

    Example:
        >>> layer = Layer(3, 2, activation="sigmoid", seed=0)
        >>> out = layer([1, 2, 3])
        >>> len(out), [v.module for v in out]
        (2, ['neurons.0', 'neurons.1'])
    """

    def __init__(
        self,
        nin: int,
        nout: int,
        nonlin: bool = True,
        *,
        activation: str | None = None,
        init: str = "uniform",
        seed: Seed = None,
    ) -> None:
        whole_number(nin, "Layer: nin", minimum=1)
        whole_number(nout, "Layer: nout", minimum=1)
        rng = _rng(seed, "Layer")
        self.neurons = [
            Neuron(nin, nonlin, activation=activation, init=init, seed=rng, fan_out=nout)
            for _ in range(nout)
        ]
        self._label_parameters()

    @property
    def activation(self) -> str:
        """The activation shared by the layer's neurons."""
        return self.neurons[0].activation

    @property
    def nin(self) -> int:
        """Number of inputs."""
        return self.neurons[0].nin

    @property
    def nout(self) -> int:
        """Number of outputs (neurons)."""
        return len(self.neurons)

    def _children(self) -> list[tuple[str, Module]]:
        return [(f"neurons.{i}", n) for i, n in enumerate(self.neurons)]

    def __call__(self, x: Input) -> Value | list[Value]:
        out = self._forward(_check_input(x, self.nin, f"Layer {self.name or '(unnamed)'}"))
        return out[0] if len(out) == 1 else out

    def _forward(self, x: Sequence[Any]) -> list[Value]:
        with self._scope():
            return [n._forward(x) for n in self.neurons]

    def __repr__(self) -> str:
        return f"Layer of [{', '.join(str(n) for n in self.neurons)}]"


class MLP(Module):
    """A multilayer perceptron: layers of sizes `nouts` (micrograd's `MLP`, plus options).

    Args:
        nin: number of inputs.
        nouts: the size of each layer, the last one being the output.
        activation: hidden layers' activation, one name for all or a list with
            one name per hidden layer.
        output_activation: the last layer's activation ("linear" as micrograd).
        init, seed: as for `Neuron`; one seed feeds all layers in order.

    A single-output model returns a `Value`, otherwise a list of Values.

    Example:
        >>> model = MLP(2, [3, 3, 1], activation=["tanh", "relu"], seed=0)
        >>> [layer.activation for layer in model.layers], model.layers[1].name
        (['tanh', 'relu', 'linear'], 'layers.1')
        >>> model.named_parameters()[4][0]
        'layers.0.neurons.1.w[1]'
    """

    def __init__(
        self,
        nin: int,
        nouts: Sequence[int],
        *,
        activation: str | Sequence[str] = "relu",
        output_activation: str = "linear",
        init: str = "uniform",
        seed: Seed = None,
    ) -> None:
        whole_number(nin, "MLP: nin", minimum=1)
        if isinstance(nouts, (str, bytes)) or not isinstance(nouts, Sequence) or not nouts:
            raise ValueError(f"MLP: nouts must be a non-empty list of layer sizes, got {nouts!r}")
        for size in nouts:
            whole_number(size, "MLP: each of nouts", minimum=1)
        self.init = _check_init(init, "MLP")
        hidden = len(nouts) - 1
        if isinstance(activation, str):
            activations = [activation] * hidden
        else:
            activations = list(activation)
            if len(activations) != hidden:
                raise ValueError(
                    f"MLP: activation lists one name per hidden layer: expected {hidden}, "
                    f"got {len(activations)} ({activations!r})"
                )
        activations.append(output_activation)
        for name in activations:
            _check_activation(name, "MLP")
        rng = _rng(seed, "MLP")
        sizes = [nin, *nouts]
        self.layers = [
            Layer(sizes[i], sizes[i + 1], activation=activations[i], init=init, seed=rng)
            for i in range(len(nouts))
        ]
        self._label_parameters()

    @property
    def nin(self) -> int:
        """Number of inputs."""
        return self.layers[0].nin

    @property
    def nouts(self) -> list[int]:
        """The size of each layer."""
        return [layer.nout for layer in self.layers]

    def _children(self) -> list[tuple[str, Module]]:
        return [(f"layers.{i}", layer) for i, layer in enumerate(self.layers)]

    def __call__(self, x: Input) -> Value | list[Value]:
        out = _check_input(x, self.nin, "MLP")
        for layer in self.layers:
            out = layer._forward(out)
        return out[0] if len(out) == 1 else out

    def __repr__(self) -> str:
        return f"MLP of [{', '.join(str(layer) for layer in self.layers)}]"

    def architecture(self) -> dict[str, Any]:
        """What `MLP.load` needs to rebuild this model, as JSON-ready data.

        Example:
            >>> MLP(2, [4, 1], seed=0).architecture()
            {'nin': 2, 'nouts': [4, 1], 'activations': ['relu', 'linear'], 'init': 'uniform'}
        """
        return {
            "nin": self.nin,
            "nouts": self.nouts,
            "activations": [layer.activation for layer in self.layers],
            "init": self.init,
        }

    def save(self, path: str | os.PathLike[str]) -> None:
        """Write the architecture and weights to a JSON file, atomically.

        Floats are written with ``repr``, so loading gives back the same bits. The
        file is written beside the target and renamed over it: a crash mid-save
        leaves the previous file intact.

        Example:
            >>> import os, tempfile
            >>> model = MLP(2, [3, 1], seed=0)
            >>> with tempfile.TemporaryDirectory() as folder:
            ...     model.save(os.path.join(folder, "model.json"))
            ...     MLP.load(os.path.join(folder, "model.json")).state_dict() == model.state_dict()
            True
        """
        weights = self.state_dict()
        for name, v in weights.items():
            if not math.isfinite(v):
                raise ValueError(f"MLP.save: parameter {name!r} is {v!r}; refusing to save a non-finite weight")
        write_document(path, FORMAT_NAME, FORMAT_VERSION,
                       {"architecture": self.architecture(), "weights": weights})

    @classmethod
    def load(cls, path: str | os.PathLike[str]) -> MLP:
        """Rebuild a model saved by `MLP.save` (leaves the global `random` untouched).

        Raises:
            FileNotFoundError: no such file.
            ModelFileError: (a ValueError) the file is not JSON, truncated, of
                another format or version, or its weights do not fit its architecture.
        """
        document = read_document(path, FORMAT_NAME, FORMAT_VERSION, ModelFileError, "MLP.load", "model")

        def fail(problem: str) -> ModelFileError:
            return ModelFileError(f"MLP.load: {os.fspath(path)}: {problem}")

        arch, weights = document.get("architecture"), document.get("weights")
        if not isinstance(arch, dict) or not isinstance(weights, dict):
            raise fail("missing 'architecture' or 'weights' section")
        try:
            activations = list(arch["activations"])
            model = cls(
                arch["nin"], arch["nouts"], activation=activations[:-1],
                output_activation=activations[-1], init=arch["init"], seed=0,
            )
        except (KeyError, IndexError, TypeError, ValueError) as error:
            raise fail(f"invalid architecture {arch!r}: {error}") from None
        expected = len(model.parameters())
        if len(weights) != expected:
            raise fail(f"the architecture has {expected} parameters but the file holds {len(weights)} weights")
        try:
            model.load_state_dict(weights)
        except (TypeError, ValueError) as error:
            raise fail(str(error)) from None
        return model


# --- helpers ------------------------------------------------------------------

_DISPLAY = {"relu": "ReLU", "tanh": "Tanh", "sigmoid": "Sigmoid", "linear": "Linear"}


def _activate(x: Value, activation: str) -> Value:
    return x if activation == "linear" else getattr(x, activation)()


def _check_activation(name: Any, where: str) -> str:
    if name not in ACTIVATIONS:
        raise ValueError(f"{where}: unknown activation {name!r}; choose one of {list(ACTIVATIONS)}")
    return name


def _check_init(name: Any, where: str) -> str:
    if name not in INITS:
        raise ValueError(f"{where}: unknown init {name!r}; choose one of {list(INITS)}")
    return "xavier" if name == "glorot" else name


def _init_bound(init: str, fan_in: int, fan_out: int) -> float:
    if init == "xavier":
        return math.sqrt(6.0 / (fan_in + fan_out))
    if init == "he":
        return math.sqrt(6.0 / fan_in)
    return 1.0


class _GlobalRandom:
    """Draws from Python's global `random` at call time, as micrograd does."""

    def uniform(self, a: float, b: float) -> float:
        return random.uniform(a, b)


def _rng(seed: Seed, where: str) -> Any:
    if seed is None:
        return _GlobalRandom()
    if isinstance(seed, (random.Random, _GlobalRandom)):  # shared by a layer's neurons
        return seed
    if isinstance(seed, bool) or not isinstance(seed, numbers.Integral):
        raise TypeError(f"{where}: seed must be an int, a random.Random or None, got {seed!r}")
    return random.Random(int(seed))


def _check_input(x: Any, nin: int, where: str) -> Sequence[Any]:
    """Check one input row: a 1-D sequence of `nin` finite numbers or Values."""
    if isinstance(x, np.ndarray):
        if x.ndim != 1:
            raise ValueError(f"{where}: expected one input row (1-D), got an array of shape {x.shape}")
        x = x.tolist() if x.dtype != object else list(x)
    elif not isinstance(x, (list, tuple)):
        raise TypeError(f"{where}: expected a list, tuple or 1-D numpy array of {nin} inputs, "
                        f"got {type(x).__name__}")
    if len(x) != nin:
        raise ValueError(f"{where}: expected {nin} inputs, got {len(x)}")
    for i, xi in enumerate(x):
        if isinstance(xi, Value):
            continue
        if not isinstance(xi, numbers.Real):
            raise TypeError(f"{where}: input {i} must be a number or a Value, got {type(xi).__name__} {xi!r:.40}")
        if not math.isfinite(xi):
            raise ValueError(f"{where}: input {i} is {xi!r}; inputs must be finite")
    return x
