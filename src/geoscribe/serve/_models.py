"""Request and response bodies of the HTTP API (pydantic models, so the OpenAPI
document describes them and bad input is a 422 before any handler runs)."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from ..text import MAX_TEXT_CHARS, cap, sanitise


class TranslateRequest(BaseModel):
    """One ``text`` or a batch of ``texts`` (not both) of the attribute set ``schema``."""

    model_config = ConfigDict(extra="forbid")

    text: str | None = Field(None, description="One sample description.", examples=["K562 cells, ChIP-seq of CTCF"])
    texts: list[str] | None = Field(None, description="A batch of sample descriptions.")
    schema_: str = Field("cistrome", alias="schema", description="Attribute set: cistrome or encode.")
    ontology: bool = Field(True, description="Add ontology terms when the server has an ontology index.")

    @field_validator("text", "texts")
    @classmethod
    def _sanitised(cls, value: str | list[str] | None) -> str | list[str] | None:
        """Invalid code points (``"\\ud800"``) become U+FFFD; texts are cut at MAX_TEXT_CHARS."""
        if value is None:
            return None
        clean = [cap(sanitise(t)[0], MAX_TEXT_CHARS)[0] for t in ([value] if isinstance(value, str) else value)]
        return clean[0] if isinstance(value, str) else clean

    @model_validator(mode="after")
    def _one_of(self) -> TranslateRequest:
        if (self.text is None) == (self.texts is None):
            raise ValueError("give either 'text' or 'texts', not both and not neither")
        return self

    def batch(self) -> list[str]:
        return [self.text] if self.text is not None else list(self.texts or [])


class Term(BaseModel):
    curie: str
    label: str | None = None


#: where a value comes from (geoscribe.schema.SOURCES)
Source = Literal["stated", "copied", "known", "model"]
_SOURCE_HELP = ("Where each value comes from: 'stated' (read off the record by the deterministic reader), "
                "'copied' (a span of the input the model chose), 'known' (a recorded fact about a named entity), "
                "'model' (an inference). A None or unknown value has no entry.")
_EVIDENCE_HELP = "What backs each value (only attributes that have evidence)."


class Evidence(BaseModel):
    """What backs one value; fields that do not apply to it are null."""

    model_config = ConfigDict(extra="allow")

    span: list[int] | None = Field(None, min_length=2, max_length=2, description=(
        "[start, end) character offsets into the record's input line: input[start:end] is the stated or copied text."))
    text: str | None = Field(None, description="The text at the span.")
    key: str | None = Field(None, description="The characteristics key a stated value was read from ('cell line').")
    field: str | None = Field(None, description="The sample field it was read from ('characteristics', 'title').")
    basis: str | None = Field(None, description="What a known fact is recorded in.")
    not_applicable: str | None = Field(None, description="Why the attribute does not apply (its value is None).")


class TranslatedRecord(BaseModel):
    input: str
    output: str = Field(description="The record in the paper's 'Key: value - Key: value' form.")
    values: dict[str, str]
    confidence: dict[str, float]
    terms: dict[str, Term] = Field(default_factory=dict)
    source: dict[str, Source] = Field(default_factory=dict, description=_SOURCE_HELP)
    evidence: dict[str, Evidence] = Field(default_factory=dict, description=_EVIDENCE_HELP)


class TranslateResponse(BaseModel):
    schema_: str = Field(alias="schema")
    model: str
    records: list[TranslatedRecord]
    elapsed_ms: float


class SampleRow(BaseModel):
    gsm: str | None = None
    title: str | None = None
    series: str | None = None
    platform: str | None = None
    source_file: str | None = Field(None, description="Name of the file the sample was read from "
                                                      "(no folders: the server's paths are not shown).")
    input: str | None = Field(None, description="The model's input line (evidence spans index it).")
    url: str | None = Field(None, description="The sample's GEO page.")
    values: dict[str, str] = Field(default_factory=dict)
    confidence: dict[str, float | None] = Field(default_factory=dict)
    terms: dict[str, Term] = Field(default_factory=dict)
    source: dict[str, Source] = Field(default_factory=dict, description=_SOURCE_HELP)
    evidence: dict[str, Evidence] = Field(default_factory=dict, description=_EVIDENCE_HELP)


class SamplesResponse(BaseModel):
    schema_: str = Field(alias="schema")
    total: int
    offset: int
    limit: int
    samples: list[SampleRow]


class FacetValue(BaseModel):
    value: str
    count: int


class FacetsResponse(BaseModel):
    schema_: str = Field(alias="schema")
    facets: dict[str, list[FacetValue]]


class SchemaInfo(BaseModel):
    name: str
    attributes: list[str]
    in_database: bool
    model: str | None = Field(None, description="Name of the translation model, if one is loaded.")


class InfoResponse(BaseModel):
    version: str
    samples: int | None
    schemas: list[SchemaInfo]
    ontology: bool
    limits: dict[str, int]


class Health(BaseModel):
    status: str
    uptime_s: float


class ErrorBody(BaseModel):
    detail: str
