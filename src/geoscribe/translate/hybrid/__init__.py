"""The default translator: the pointer seq2seq and a linear baseline combined by rules.

One public entry, :class:`HybridTranslator`. Its rule modules are private to the
package: ``_snap`` (snap a value to a span of the input or a known value; also
``in_text``, the one test every rule shares), ``_evidence`` (values named by a
field of the text), ``_patterns`` (learned context patterns), ``_properties``
(values implied by another attribute) and ``_organism`` (species and assembly).
"""

from .translator import HybridTranslator

__all__ = ["HybridTranslator"]
