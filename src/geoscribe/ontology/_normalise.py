"""Text keys under which values and ontology names meet.

Curated values and ontology labels differ in case, punctuation, hyphens and
spaces (``K562`` / ``K-562``, ``HCT 116`` / ``HCT-116``), Greek letters
(``TNF-α`` / ``TNF-alpha``) and number (``T cells`` / ``T cell``). Both sides go
through :func:`matching_key`, so the rules only need to be symmetric, not
linguistically right (``sapiens`` becomes ``sapien`` on both sides).
"""

from __future__ import annotations

import re
import unicodedata

GREEK = {
    "α": "alpha", "β": "beta", "γ": "gamma", "δ": "delta", "ε": "epsilon",
    "ζ": "zeta", "η": "eta", "θ": "theta", "ι": "iota", "κ": "kappa",
    "λ": "lambda", "μ": "mu", "ν": "nu", "ξ": "xi", "π": "pi", "ρ": "rho",
    "σ": "sigma", "ς": "sigma", "τ": "tau", "υ": "upsilon", "φ": "phi",
    "χ": "chi", "ψ": "psi", "ω": "omega", "µ": "mu",
}  # fmt: skip
_TOKEN = re.compile(r"[a-z0-9]+")
# words whose final "s" is not a plural
_KEEP_S = ("ss", "us", "is", "os", "as", "ys")
UNKNOWN = frozenset({"", "none", "unknown", "n/a", "na", "not applicable", "not available", "nan", "null", "-"})


def fold(text: str) -> str:
    """Case-folded text with Greek letters spelled out and accents removed."""
    text = unicodedata.normalize("NFKC", text).casefold()
    text = "".join(GREEK.get(ch, ch) for ch in text)
    text = unicodedata.normalize("NFKD", text)
    return "".join(ch for ch in text if not unicodedata.combining(ch)).strip()


def _singular(token: str) -> str:
    if len(token) <= 3 or not token.isalpha():
        return token
    if token.endswith("ies") and len(token) > 4:
        return token[:-3] + "y"
    if token.endswith("sses"):
        return token[:-2]
    if token.endswith("s") and not token.endswith(_KEEP_S):
        return token[:-1]
    return token


def words(text: str) -> list[str]:
    """The singular alphanumeric words of ``text`` after :func:`fold`."""
    return [_singular(t) for t in _TOKEN.findall(fold(text))]


def matching_key(text: str) -> str:
    """The matching key: folded words joined without separators (``"K-562 cells"`` -> ``"k562cell"``)."""
    return "".join(words(text))


def is_unknown(value: str | None) -> bool:
    """True for ``None``, ``"None"``, ``"unknown"`` and other placeholders that must stay unmapped."""
    return value is None or value.strip().casefold() in UNKNOWN
