"""The estimator contract, checked once for every model: each kind in ``geoscribe.translate.MODELS``
and each Textomics estimator, with a tiny config.

- params round-trip: ``get_params`` gives the constructor's arguments, ``clone`` and
  ``set_params`` keep them, an unknown name is refused;
- nothing is learned before ``fit``: predicting or saving raises :class:`NotFittedError`;
- save/load gives the same predictions, from JSON/safetensors/npz files only (never a pickle);
- a bad directory (missing, empty, another kind, unknown params) is one :class:`ModelError`.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np
import pytest
from translate_support import ALL, TINY_PARAMS, chip_pairs, tiny_pairs

from geoscribe.errors import InputError, ModelError, NotFittedError
from geoscribe.translate import MODELS, load_model

torch = pytest.importorskip("torch")

SUMMARIES = [f"{w} study {i} of gene expression in {v} samples"
             for i, (w, v) in enumerate(zip(["breast cancer", "mouse liver", "t cell", "root drought"] * 10,
                                            ["human", "mouse", "plant", "cell"] * 10))]


@dataclass
class Case:
    """How to build, fit and query one model with a tiny config."""

    cls: type
    make: Callable[[dict], Any]          # fixtures -> unfitted model
    fit: Callable[[Any], Any]            # model -> fitted model
    predict: Callable[[Any], Any]        # fitted model -> comparable output
    load: Callable[[Any], Any] | None = None  # directory -> model (default: the class's load)


def _translations(model, texts):
    return [(r.values, {a: round(c, 5) for a, c in r.confidence.items()}) for r in model.translate(texts)]


def _translator(kind, params, pairs, texts) -> Case:
    """``params``: fixtures -> constructor arguments."""
    return Case(MODELS[kind], lambda fx: MODELS[kind](**params(fx)), lambda m: m.fit(*pairs()),
                lambda m: _translations(m, texts()), load_model)


def _vectors():
    from geoscribe.textomics.simulate import simulate_platform

    return simulate_platform(SUMMARIES, n_features=20, n_programmes=4).vectors


def _embeddings():
    rng = np.random.default_rng(0)
    return rng.normal(size=(40, 8)).astype(np.float32), rng.normal(size=(40, 3)).astype(np.float32)


def _vec2text(cls, **params) -> Case:
    return Case(cls, lambda fx: cls(**params), lambda m: m.fit(_vectors()[:30], SUMMARIES[:30]), lambda m: m.generate(_vectors()[30:]))


def _text2vec(cls, **params) -> Case:
    return Case(cls, lambda fx: cls(**params), lambda m: m.fit(*_embeddings()), lambda m: m.predict(_embeddings()[0]).round(5).tolist())


TITLED = lambda: chip_pairs(ALL * 2)  # noqa: E731
UNTITLED = lambda: chip_pairs(ALL * 2, titled=False)  # noqa: E731
LINEAR = dict(min_df=1, max_features=5000)

CASES: dict[str, Case] = {
    "hybrid": _translator(
        "hybrid", lambda fx: dict(seq2seq_model=str(fx["tiny_translator_dir"]), linear=LINEAR),
        lambda: (tiny_pairs()[0][:60], tiny_pairs()[1][:60]), lambda: tiny_pairs()[0][140:150]),
    "seq2seq": _translator(
        "seq2seq", lambda fx: {**TINY_PARAMS, "epochs": 1},
        lambda: (tiny_pairs()[0][:40], tiny_pairs()[1][:40]), lambda: tiny_pairs()[0][140:150]),
    "causal-lm": _translator(
        "causal-lm", lambda fx: dict(base_model=str(fx["tiny_gpt2_dir"]), epochs=1, batch_size=16),
        lambda: (tiny_pairs()[0][:16], tiny_pairs()[1][:16]), lambda: tiny_pairs()[0][140:143]),
    "lstm": _translator(
        "lstm", lambda fx: dict(embed_dim=16, hidden_dim=32, dense_dim=32, batch_size=8, max_epochs=2),
        TITLED, lambda: chip_pairs(ALL)[0]),
    "classifier": _translator(
        "classifier", lambda fx: dict(encoder=str(fx["tiny_encoder"]), hidden_dim=16, batch_size=8, max_epochs=2),
        UNTITLED, lambda: chip_pairs(ALL, titled=False)[0]),
    "linear": _translator("linear", lambda fx: LINEAR, TITLED, lambda: chip_pairs(ALL)[0]),
    "nearest": _translator("nearest", lambda fx: LINEAR, TITLED, lambda: chip_pairs(ALL)[0]),
}


def _textomics_cases() -> dict[str, Case]:
    from geoscribe.textomics.text2vec import MeanVectorBaseline, Text2Vec
    from geoscribe.textomics.vec2text import MODELS as VEC2TEXT
    from geoscribe.textomics.vec2text import load_vec2text

    neural = dict(d_model=16, n_layers=1, n_heads=2, epochs=1, max_len=16)
    cases = {
        "textomics-nn": _vec2text(VEC2TEXT["textomics-nn"]),
        "textomics-mlp": _vec2text(VEC2TEXT["textomics-mlp"], **neural),
        "textomics-knn": _vec2text(VEC2TEXT["textomics-knn"], **neural),
        "textomics-text2vec": _text2vec(Text2Vec, hidden=8, epochs=2),
        "textomics-mean": _text2vec(MeanVectorBaseline),
    }
    for kind in VEC2TEXT:
        cases[kind].load = load_vec2text
    return cases


CASES.update(_textomics_cases())


def test_every_registered_model_has_a_contract_case():
    from geoscribe.textomics.vec2text import MODELS as VEC2TEXT

    assert set(MODELS) | set(VEC2TEXT) <= set(CASES)
    for kind, case in CASES.items():
        assert case.cls.kind == kind and (kind not in MODELS or MODELS[kind] is case.cls)


@pytest.fixture
def fixtures(request) -> Callable[[str], dict]:
    """The session fixtures a case needs, built only when asked for."""
    return lambda *names: {name: request.getfixturevalue(name) for name in names}


def _unfitted(kind: str, fixtures) -> Any:
    names = {"hybrid": ("tiny_translator_dir",), "causal-lm": ("tiny_gpt2_dir",), "classifier": ("tiny_encoder",)}
    return CASES[kind].make(fixtures(*names.get(kind, ())))


def _predict_unfitted(kind: str, model) -> Any:
    if kind in MODELS:
        return model.translate(["x"])
    if kind.startswith("textomics-") and hasattr(model, "generate"):
        return model.generate(np.zeros((1, 20), np.float32))
    return model.predict(np.zeros((1, 8), np.float32))


@pytest.mark.parametrize("kind", list(CASES))
def test_params_round_trip(kind, fixtures):
    model = _unfitted(kind, fixtures)
    params = model.get_params()
    assert not [k for k in vars(model) if k.endswith("_")], "__init__ only stores its arguments"
    assert type(model)(**params).get_params() == params
    assert type(model)(**json.loads(json.dumps(params))).get_params() == json.loads(json.dumps(params))
    twin = model.clone()
    assert type(twin) is type(model) and twin is not model and twin.get_params() == params
    assert model.set_params(**params) is model and model.get_params() == params
    if "seed" in params:
        model.set_params(seed=params["seed"] + 1)
        assert model.get_params()["seed"] == params["seed"] + 1 == model.clone().seed
    with pytest.raises(InputError, match="no parameter 'no_such_param'"):
        model.set_params(no_such_param=1)
    assert repr(model).startswith(f"{type(model).__name__}(")


@pytest.mark.parametrize("kind", list(CASES))
def test_not_fitted_before_fit(kind, fixtures, tmp_path):
    model = _unfitted(kind, fixtures)
    with pytest.raises(NotFittedError, match=f"This {type(model).__name__} instance is not fitted yet"):
        _predict_unfitted(kind, model)
    with pytest.raises(NotFittedError):
        model.save(tmp_path / "unfitted")


@pytest.mark.parametrize("kind", list(CASES))
def test_save_load_gives_equal_predictions(kind, fixtures, tmp_path):
    case = CASES[kind]
    torch.set_num_threads(1)
    model = case.fit(_unfitted(kind, fixtures))
    assert model is not None and [k for k in vars(model) if k.endswith("_")]
    path = model.save(tmp_path / kind)
    config = json.loads((path / "config.json").read_text())
    assert config == {"kind": kind, "params": json.loads(json.dumps(model.get_params()))}
    assert json.loads((path / "metadata.json").read_text())["kind"] == kind
    files = [p.name for p in path.rglob("*") if p.is_file()]
    assert not [f for f in files if f.endswith((".pkl", ".pickle", ".pt", ".bin"))], files
    again = (case.load or type(model).load)(path)
    assert type(again) is type(model) and again.get_params() == config["params"]
    assert case.predict(again) == case.predict(model)


@pytest.mark.parametrize("kind", list(CASES))
def test_bad_directory_is_a_model_error(kind, tmp_path):
    cls = CASES[kind].cls
    with pytest.raises(ModelError, match="does not exist"):
        cls.load(tmp_path / "nowhere")
    (tmp_path / "empty").mkdir()
    with pytest.raises(ModelError, match="not a geoscribe model"):
        cls.load(tmp_path / "empty")
    other = tmp_path / "other"
    other.mkdir()
    (other / "config.json").write_text(json.dumps({"kind": "some-other-kind", "params": {}}))
    with pytest.raises(ModelError, match=f"holds a 'some-other-kind' model, not '{kind}'"):
        cls.load(other)
    (other / "config.json").write_text(json.dumps({"kind": kind, "params": {"no_such_param": 1}}))
    with pytest.raises(ModelError, match=r"config.json has bad params \(.*\); re-save the model"):
        cls.load(other)
    (other / "config.json").write_text("{not json")
    with pytest.raises(ModelError, match="config.json is corrupt"):
        cls.load(other)
    if kind in MODELS:
        (other / "config.json").write_text(json.dumps({"kind": "pickle", "params": {}}))
        with pytest.raises(ModelError, match="Unknown model kind 'pickle'"):
            load_model(other)
