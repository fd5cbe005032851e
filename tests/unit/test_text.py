from geoscribe.text import Sample, TextFormat, format_sample


def test_paper_format_alternates_fields_and_skips_empty():
    s = Sample(title="K562 CTCF", characteristics="cell line: K562\tantibody: CTCF", description="")
    assert format_sample(s) == "Title: K562 CTCF - Characteristics: cell line: K562 antibody: CTCF"


def test_special_characters_newlines_and_tabs_are_spaces():
    s = Sample(title='a!b@c#d$e&f^g*h[i]j?k\\l|m`n~o+p"q', description="line1\nline2\r\n\tline3")
    assert format_sample(s) == "Title: a b c d e f g h i j k l m n o p q - Description: line1 line2 line3"


def test_pre_formatted_text_wins_and_format_is_configurable():
    assert format_sample(Sample(title="x", text="  Title: y\n")) == "Title: y"
    fmt = TextFormat(fields=(("Source", "source_name"),), special_characters="", max_chars=10)
    assert fmt.format(Sample(source_name="HeLa cells [S3]")) == "Source: He"
