"""The area mapping: which question areas of official results feed which index."""

from __future__ import annotations

from pathlib import Path

import pytest

from surveys.areas import DEFAULT_MAPPING, AreaMappingError, Target, load_area_mapping


def test_the_default_sends_trygghet_to_safety_skolmiljo_to_premises_and_others_to_context() -> None:
    mapping = load_area_mapping()

    assert mapping.path == DEFAULT_MAPPING
    assert mapping.target("Trygghet") == Target("safety", context=False)
    assert mapping.target(" skolmiljö ") == Target("learning_premises", context=False)
    assert mapping.target("Studiero") == Target(
        "Studiero", context=True, english="Calm and order for studying"
    )
    assert mapping.target("Inomhusklimat").index == "indoor_climate"  # our own index names
    assert mapping.target("Indoor climate").index == "indoor_climate"
    assert mapping.target("Matsalen") is None  # unknown: skipped and counted
    assert mapping.english("Stimulans") == "Stimulation"


def test_an_edited_mapping_moves_an_area_and_keeps_unlisted_ones_as_context(
    tmp_path: Path,
) -> None:
    path = tmp_path / "areas.toml"
    path.write_text(
        'unlisted = "context"\n[indices]\nschoolyard = ["Rastaktiviteter"]\n'
        '[context]\n"Trygghet" = "Feeling safe"\n',
        encoding="utf-8",
    )

    mapping = load_area_mapping(path)

    assert mapping.target("Rastaktiviteter") == Target("schoolyard", context=False)
    assert mapping.target("Trygghet") == Target("Trygghet", context=True, english="Feeling safe")
    assert mapping.target("Matsalen") == Target("Matsalen", context=True, english="Matsalen")


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("[indices]\nplayground = ['Lek']\n", "unknown index ['playground']"),
        ("[indices]\nsafety = ['Trygghet']\ntoilets = ['trygghet']\n", "under both safety"),
        ("[indices]\nsafety = ['Studiero']\n[context]\nStudiero = 'x'\n", "and context"),
        ("unlisted = 'keep'\n", "unlisted"),
        ("[indices\n", "not a readable TOML file"),
    ],
)
def test_a_broken_mapping_file_is_refused_with_the_reason(
    tmp_path: Path, text: str, message: str
) -> None:
    path = tmp_path / "areas.toml"
    path.write_text(text, encoding="utf-8")

    with pytest.raises(AreaMappingError, match="areas.toml") as caught:
        load_area_mapping(path)
    assert message in str(caught.value)


def test_a_missing_mapping_file_says_so(tmp_path: Path) -> None:
    with pytest.raises(AreaMappingError, match="no such area mapping file"):
        load_area_mapping(tmp_path / "none.toml")
