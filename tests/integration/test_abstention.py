"""Issue 22 item 7 (last probe): empty or random text must give no invented values
(grounding, issue 19, abstains: no value there is stated, copied from a training-like
record, known or in-domain)."""

import pytest

from geoscribe.translate import default_model_path, translate

NOTHING = ["", "   ", "qwxz vbnm plokij", "12345 67890", "lorem ipsum dolor sit amet", "!!! ??? ###"]
# attributes whose value must be written in the text (the others have set-wide defaults,
# e.g. ENCODE's Project: ENCODE)
GROUNDED = {"cistrome": ["Cell Line", "Cell Type", "Tissue Type", "Factor"],
            "encode": ["Target of assay", "Biosample term name"]}


@pytest.mark.parametrize("schema", ["cistrome", "encode"])
def test_empty_or_random_text_gets_no_invented_values(schema):
    if not default_model_path(schema).is_dir():
        pytest.skip(f"no bundled {schema} model")
    invented = [(text, attr, rec[attr]) for text, rec in zip(NOTHING, translate(NOTHING, schema=schema))
                for attr in GROUNDED[schema] if rec[attr] != "None"]
    assert invented == []
