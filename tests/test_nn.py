"""Tests for autograd.nn: micrograd compatibility, names, module stamps, state dicts, save/load."""

import json
import math
import os
import random

import numpy as np
import pytest

from autograd import Value, topological_order
from autograd.nn import MLP, Layer, ModelFileError, Neuron


def micrograd_weights(nin, nouts):
    """micrograd's init written out: per layer, per neuron, nin draws of uniform(-1, 1), bias 0."""
    sizes = [nin, *nouts]
    weights = []
    for i in range(len(nouts)):
        for _ in range(sizes[i + 1]):
            weights += [random.uniform(-1, 1) for _ in range(sizes[i])] + [0.0]
    return weights


def micrograd_forward(params, nin, nouts, x):
    """micrograd's forward pass on floats: act = b + w0*x0 + w1*x1 + ..., ReLU except last layer."""
    it = iter(params)
    sizes = [nin, *nouts]
    for i in range(len(nouts)):
        out = []
        for _ in range(sizes[i + 1]):
            w = [next(it) for _ in range(sizes[i])]
            b = next(it)
            act = b
            for wi, xi in zip(w, x):
                act = act + wi * xi
            out.append(max(act, 0.0) if i != len(nouts) - 1 else act)
        x = out
    return x


# --- micrograd compatibility ------------------------------------------------------


def test_unseeded_init_draws_from_global_random_in_micrograd_order():
    random.seed(1337)
    model = MLP(2, [16, 16, 1])
    random.seed(1337)
    expected = micrograd_weights(2, [16, 16, 1])
    assert [p.data for p in model.parameters()] == expected
    assert len(expected) == 337


def test_forward_equals_micrograd_bit_for_bit():
    random.seed(7)
    model = MLP(3, [5, 4, 1])
    params = [p.data for p in model.parameters()]
    for x in ([0.3, -1.7, 2.2], [1e-3, 5.0, -0.25]):
        (expected,) = micrograd_forward(params, 3, [5, 4, 1], x)
        assert model(x).data == expected          # exact, not approx


def test_micrograd_demo_reproduces_published_first_two_steps():
    # micrograd's demo.ipynb, with only its imports changed; its published output
    # is "step 0 loss 0.8958441028683222, accuracy 50.0%" then
    # "step 1 loss 1.723590533697202, accuracy 81.0%".
    sklearn = pytest.importorskip("sklearn.datasets")
    np.random.seed(1337)
    random.seed(1337)
    X, y = sklearn.make_moons(n_samples=100, noise=0.1)
    y = y * 2 - 1
    model = MLP(2, [16, 16, 1])
    assert len(model.parameters()) == 337
    history = []
    for k in range(2):
        inputs = [list(map(Value, xrow)) for xrow in X]
        scores = list(map(model, inputs))
        losses = [(1 + -yi * scorei).relu() for yi, scorei in zip(y, scores)]
        data_loss = sum(losses) * (1.0 / len(losses))
        reg_loss = 1e-4 * sum((p * p for p in model.parameters()))
        total_loss = data_loss + reg_loss
        accuracy = [(yi > 0) == (scorei.data > 0) for yi, scorei in zip(y, scores)]
        model.zero_grad()
        total_loss.backward()
        learning_rate = 1.0 - 0.9 * k / 100
        for p in model.parameters():
            p.data -= learning_rate * p.grad
        history.append((total_loss.data, sum(accuracy) / len(accuracy)))
    assert history == [(0.8958441028683222, 0.5), (1.723590533697202, 0.81)]


def test_repr_matches_micrograd():
    model = MLP(2, [2, 1], seed=0)
    assert repr(model) == "MLP of [Layer of [ReLUNeuron(2), ReLUNeuron(2)], Layer of [LinearNeuron(2)]]"
    assert repr(Neuron(3, nonlin=False, seed=0)) == "LinearNeuron(3)"
    assert repr(Neuron(3, activation="sigmoid", seed=0)) == "SigmoidNeuron(3)"


def test_micrograd_positional_signatures():
    random.seed(0)
    n = Neuron(2, False)
    layer = Layer(2, 3, False)
    assert n.activation == "linear" and not n.nonlin
    assert layer.activation == "linear" and len(layer.neurons) == 3
    assert Neuron(2).activation == "relu" and Neuron(2).nonlin


def test_layer_returns_single_value_for_one_output_and_list_otherwise():
    assert isinstance(Layer(2, 1, seed=0)([1.0, 2.0]), Value)
    out = Layer(2, 3, seed=0)([1.0, 2.0])
    assert isinstance(out, list) and len(out) == 3
    assert isinstance(MLP(2, [3, 2], seed=0)([1.0, 2.0]), list)


def test_hidden_layer_of_one_unit_feeds_the_next_layer():
    model = MLP(2, [1, 2, 1], seed=0)
    model.load_state_dict({name: 1.0 for name, _ in model.named_parameters()})
    # h = relu(1 + 1*1 + 1*2) = 4; next layer relu(1 + 4) = 5 twice; out = 1 + 5 + 5
    assert model([1.0, 2.0]).data == 11.0


# --- seeds and inits ----------------------------------------------------------


def test_seed_is_reproducible_and_leaves_global_random_alone():
    random.seed(123)
    state = random.getstate()
    a = MLP(3, [4, 2], seed=42)
    b = MLP(3, [4, 2], seed=42)
    assert random.getstate() == state
    assert a.state_dict() == b.state_dict()
    assert a.state_dict() != MLP(3, [4, 2], seed=43).state_dict()
    rng = random.Random(42)
    expected = []
    for nin, nout in [(3, 4), (4, 2)]:
        for _ in range(nout):
            expected += [rng.uniform(-1, 1) for _ in range(nin)] + [0.0]
    assert [p.data for p in a.parameters()] == expected


@pytest.mark.parametrize("init, bound", [
    ("xavier", lambda nin, nout: math.sqrt(6 / (nin + nout))),
    ("glorot", lambda nin, nout: math.sqrt(6 / (nin + nout))),
    ("he", lambda nin, nout: math.sqrt(6 / nin)),
    ("uniform", lambda nin, nout: 1.0),
])
def test_init_schemes_draw_uniform_within_their_bound(init, bound):
    model = MLP(5, [8, 3], init=init, seed=1)
    rng = random.Random(1)
    for layer in model.layers:
        a = bound(layer.nin, layer.nout)
        for neuron in layer.neurons:
            assert [w.data for w in neuron.w] == [rng.uniform(-a, a) for _ in range(layer.nin)]
            assert all(abs(w.data) <= a for w in neuron.w)
            assert neuron.b.data == 0.0
    assert model.init == ("xavier" if init == "glorot" else init)


# --- activations ------------------------------------------------------------------


@pytest.mark.parametrize("activation, f", [
    ("relu", lambda z: max(z, 0.0)),
    ("tanh", math.tanh),
    ("sigmoid", lambda z: 1 / (1 + math.exp(-z))),
    ("linear", lambda z: z),
])
@pytest.mark.parametrize("z_sign", [1, -1])
def test_neuron_activation_values(activation, f, z_sign):
    n = Neuron(2, activation=activation, seed=0)
    n.load_state_dict({"w[0]": 0.5 * z_sign, "w[1]": -0.25 * z_sign, "b": 0.1 * z_sign})
    z = z_sign * (0.1 + 0.5 * 2.0 - 0.25 * 1.0)
    assert n([2.0, 1.0]).data == pytest.approx(f(z), rel=1e-15)


def test_mlp_activations_per_layer_and_output_activation():
    model = MLP(2, [16, 16, 1], activation="tanh")
    assert [layer.activation for layer in model.layers] == ["tanh", "tanh", "linear"]
    model = MLP(2, [4, 3, 2], activation=["sigmoid", "relu"], output_activation="tanh", seed=0)
    assert [layer.activation for layer in model.layers] == ["sigmoid", "relu", "tanh"]
    assert all(-1 < v.data < 1 for v in model([3.0, -4.0]))
    assert repr(model.layers[0].neurons[0]) == "SigmoidNeuron(2)"


# --- names and module stamps ----------------------------------------------------


def test_named_parameters_and_labels():
    model = MLP(2, [2, 1], seed=0)
    names = [name for name, _ in model.named_parameters()]
    assert names == [
        "layers.0.neurons.0.w[0]", "layers.0.neurons.0.w[1]", "layers.0.neurons.0.b",
        "layers.0.neurons.1.w[0]", "layers.0.neurons.1.w[1]", "layers.0.neurons.1.b",
        "layers.1.neurons.0.w[0]", "layers.1.neurons.0.w[1]", "layers.1.neurons.0.b",
    ]
    assert [p.label for p in model.parameters()] == names
    assert model.parameters() == [p for _, p in model.named_parameters()]
    assert [layer.name for layer in model.layers] == ["layers.0", "layers.1"]
    assert model.layers[0].neurons[1].name == "layers.0.neurons.1"


def test_standalone_modules_name_relative_to_themselves():
    layer = Layer(2, 2, seed=0)
    assert layer.neurons[1].b.label == "neurons.1.b"
    assert Neuron(2, seed=0).w[1].label == "w[1]"


def test_every_computed_node_records_its_module():
    model = MLP(2, [4, 4, 1], seed=0)
    out = model([0.5, -1.5])
    loss = (out - 1.0) ** 2
    ops = [n for n in topological_order(loss) if n.op is not None]
    by_param = {}
    for node in ops[:-2]:          # all but the loss's sub and pow
        assert node.module is not None
        for parent in node.parents:
            by_param.setdefault(parent.label, set()).add(node.module)
    assert {n.module for n in ops[-2:]} == {None}
    # A node fed by neuron 3 of layer 0's weight was computed in that neuron.
    assert by_param["layers.0.neurons.3.w[1]"] == {"layers.0.neurons.3"}
    assert by_param["layers.2.neurons.0.b"] == {"layers.2.neurons.0"}
    assert out.module == "layers.2.neurons.0"
    assert {n.module for n in ops[:-2]} == {
        f"layers.{i}.neurons.{j}" for i, size in enumerate([4, 4, 1]) for j in range(size)
    }


def test_calling_a_layer_directly_stamps_its_qualified_name():
    model = MLP(2, [3, 1], seed=0)
    outs = model.layers[0]([1.0, 2.0])
    assert [o.module for o in outs] == [f"layers.0.neurons.{j}" for j in range(3)]


def test_neuron_sum_is_one_node_in_micrograd_order():
    n = Neuron(2, activation="linear", seed=0)
    out = n([3.0, 4.0])
    assert out.op.name == "sum"
    assert out.parents[0] is n.b
    assert [p.op.name for p in out.parents[1:]] == ["mul", "mul"]
    assert out.parents[1].parents[0] is n.w[0]


# --- inputs ---------------------------------------------------------------------


def test_inputs_accept_lists_tuples_numpy_rows_and_values():
    model = MLP(2, [3, 1], seed=0)
    ref = model([0.5, -2.0]).data
    assert model((0.5, -2.0)).data == ref
    assert model(np.array([0.5, -2.0])).data == ref
    assert model([Value(0.5), np.float64(-2.0)]).data == ref


@pytest.mark.parametrize("x, error, words", [
    ([1.0, 2.0, 3.0], ValueError, ["expected 2", "got 3"]),
    ([1.0], ValueError, ["expected 2", "got 1"]),
    ([1.0, "a"], TypeError, ["input 1", "str"]),
    ([1.0, float("nan")], ValueError, ["input 1", "nan"]),
    ([float("inf"), 1.0], ValueError, ["input 0", "inf"]),
    (np.zeros((1, 2)), ValueError, ["1-D", "(1, 2)"]),
    ({1.0, 2.0}, TypeError, ["set"]),
])
def test_bad_inputs_raise_clear_errors(x, error, words):
    model = MLP(2, [3, 1], seed=0)
    with pytest.raises(error) as info:
        model(x)
    assert all(w in str(info.value) for w in words), str(info.value)
    with pytest.raises(error):
        model.layers[0](x)


@pytest.mark.parametrize("build, words", [
    (lambda: MLP(0, [1]), ["nin", "0"]),
    (lambda: MLP(2, []), ["nouts"]),
    (lambda: MLP(2, [3, 0]), ["nouts", "0"]),
    (lambda: MLP(2, [3, 1], activation="gelu"), ["activation", "gelu"]),
    (lambda: MLP(2, [3, 1], output_activation="softmax"), ["activation", "softmax"]),
    (lambda: MLP(2, [3, 3, 1], activation=["tanh"]), ["expected 2", "got 1"]),
    (lambda: MLP(2, [3, 1], init="normal"), ["init", "normal"]),
    (lambda: Layer(2, -1), ["nout", "-1"]),
])
def test_bad_constructor_arguments(build, words):
    with pytest.raises(ValueError) as info:
        build()
    assert all(w in str(info.value) for w in words), str(info.value)


def test_non_integer_size_is_a_type_error():
    with pytest.raises(TypeError, match=r"Neuron: nin: expected an int, got float 2.5"):
        Neuron(2.5)


def test_bad_seed_type():
    with pytest.raises(TypeError, match="seed"):
        MLP(2, [1], seed="abc")


# --- zero_grad and state dicts ----------------------------------------------------


def test_zero_grad_resets_every_parameter():
    model = MLP(2, [3, 1], seed=0)
    model([1.0, 1.0]).backward()
    assert any(p.grad != 0 for p in model.parameters())
    model.zero_grad()
    assert all(p.grad == 0.0 for p in model.parameters())


def test_state_dict_round_trip_and_is_a_copy():
    a, b = MLP(2, [3, 1], seed=0), MLP(2, [3, 1], seed=1)
    state = a.state_dict()
    assert list(state) == [name for name, _ in a.named_parameters()]
    b.load_state_dict(state)
    assert b.state_dict() == state
    a.parameters()[0].data += 1.0
    assert state["layers.0.neurons.0.w[0]"] != a.parameters()[0].data


@pytest.mark.parametrize("edit, error, words", [
    (lambda s: s.pop("layers.1.neurons.0.b"), ValueError, ["missing", "layers.1.neurons.0.b"]),
    (lambda s: s.update(extra=1.0), ValueError, ["unexpected", "extra"]),
    (lambda s: s.update({"layers.0.neurons.1.b": float("nan")}), ValueError, ["layers.0.neurons.1.b", "nan"]),
    (lambda s: s.update({"layers.0.neurons.1.b": float("inf")}), ValueError, ["inf"]),
    (lambda s: s.update({"layers.0.neurons.1.b": "0.5"}), TypeError, ["layers.0.neurons.1.b", "str"]),
])
def test_load_state_dict_rejects_bad_states_and_changes_nothing(edit, error, words):
    model = MLP(2, [3, 1], seed=0)
    before = model.state_dict()
    state = dict(before)
    state["layers.0.neurons.0.w[0]"] = 123.0   # valid, but must not be applied
    edit(state)
    with pytest.raises(error) as info:
        model.load_state_dict(state)
    assert all(w in str(info.value) for w in words), str(info.value)
    assert model.state_dict() == before


def test_load_state_dict_needs_a_mapping():
    with pytest.raises(TypeError, match="mapping"):
        MLP(2, [1], seed=0).load_state_dict([1.0, 2.0, 3.0])


# --- save and load --------------------------------------------------------------


def test_save_load_round_trip_is_bit_exact(tmp_path):
    model = MLP(3, [5, 4, 2], activation=["tanh", "sigmoid"], output_activation="linear",
                init="he", seed=9)
    for p in model.parameters():     # awkward floats: thirds, tiny and huge magnitudes
        p.data = p.data / 3 * 10 ** random.Random(id(p) % 97).randint(-300, 300)
    path = tmp_path / "model.json"
    model.save(path)
    loaded = MLP.load(path)
    assert [p.data.hex() for p in loaded.parameters()] == [p.data.hex() for p in model.parameters()]
    assert loaded.architecture() == model.architecture() == {
        "nin": 3, "nouts": [5, 4, 2], "activations": ["tanh", "sigmoid", "linear"], "init": "he"}
    assert repr(loaded) == repr(model)
    assert [p.label for p in loaded.parameters()] == [p.label for p in model.parameters()]
    doc = json.loads(path.read_text())
    assert doc["format"] == "backproplab.mlp" and doc["version"] == 1
    assert os.listdir(tmp_path) == ["model.json"]     # no temp file left behind


def test_load_leaves_global_random_alone(tmp_path):
    MLP(2, [3, 1], seed=0).save(tmp_path / "m.json")
    state = random.getstate()
    MLP.load(tmp_path / "m.json")
    assert random.getstate() == state


def test_save_refuses_non_finite_weights_and_keeps_the_old_file(tmp_path):
    path = tmp_path / "model.json"
    model = MLP(2, [1], seed=0)
    model.save(path)
    before = path.read_bytes()
    model.parameters()[1].data = float("nan")
    with pytest.raises(ValueError, match=r"layers.0.neurons.0.w\[1\]"):
        model.save(path)
    assert path.read_bytes() == before
    assert os.listdir(tmp_path) == ["model.json"]


def test_crash_during_save_keeps_the_old_file(tmp_path, monkeypatch):
    path = tmp_path / "model.json"
    MLP(2, [1], seed=0).save(path)
    before = path.read_bytes()

    def crash(*args):
        raise OSError("disk full")

    monkeypatch.setattr(os, "replace", crash)
    with pytest.raises(OSError, match="disk full"):
        MLP(2, [1], seed=1).save(path)
    assert path.read_bytes() == before
    assert os.listdir(tmp_path) == ["model.json"]


def _saved(tmp_path):
    path = tmp_path / "model.json"
    MLP(2, [2, 1], seed=0).save(path)
    return path, json.loads(path.read_text())


@pytest.mark.parametrize("corrupt, words", [
    (lambda text, doc: "this is not json {", ["not valid JSON"]),
    (lambda text, doc: text[: len(text) // 2], ["not valid JSON", "truncated"]),
    (lambda text, doc: "", ["not valid JSON"]),
    (lambda text, doc: b"\xff\xfe\x00garbage", ["not valid JSON"]),
    (lambda text, doc: "[1, 2, 3]", ["not a backproplab model file"]),
    (lambda text, doc: json.dumps({**doc, "format": "keras"}), ["not a backproplab model file", "keras"]),
    (lambda text, doc: json.dumps({**doc, "version": 99}), ["version 99"]),
    (lambda text, doc: json.dumps({k: v for k, v in doc.items() if k != "weights"}), ["weights"]),
    (lambda text, doc: json.dumps({**doc, "architecture": {**doc["architecture"], "nouts": [2, 2]}}),
     ["12 parameters", "9 weights"]),
    (lambda text, doc: json.dumps({**doc, "architecture": {**doc["architecture"], "activations": ["relu", "swish"]}}),
     ["invalid architecture", "swish"]),
    (lambda text, doc: json.dumps({**doc, "architecture": {"nin": 2}}), ["invalid architecture"]),
    (lambda text, doc: text.replace('"layers.1.neurons.0.b": 0.0', '"layers.1.neurons.0.b": NaN'),
     ["layers.1.neurons.0.b", "nan"]),
    (lambda text, doc: text.replace('"layers.1.neurons.0.b": 0.0', '"layers.1.neurons.0.c": 0.0'),
     ["layers.1.neurons.0.c"]),
    (lambda text, doc: text.replace('"layers.1.neurons.0.b": 0.0', '"layers.1.neurons.0.b": "0"'),
     ["layers.1.neurons.0.b"]),
])
def test_corrupted_files_raise_model_file_error_naming_the_path(tmp_path, corrupt, words):
    path, doc = _saved(tmp_path)
    bad = corrupt(path.read_text(), doc)
    assert bad != path.read_text()
    if isinstance(bad, bytes):
        path.write_bytes(bad)
    else:
        path.write_text(bad)
    with pytest.raises(ModelFileError) as info:
        MLP.load(path)
    message = str(info.value)
    assert str(path) in message and "MLP.load" in message
    assert all(w in message for w in words), message
    assert isinstance(info.value, ValueError)


def test_load_missing_file(tmp_path):
    with pytest.raises(FileNotFoundError):
        MLP.load(tmp_path / "nope.json")
