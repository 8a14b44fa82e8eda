import pytest

from khabar.schema import COARSE_TYPES, FINE_TYPES, map_type, types_of


def test_coarse_scheme_follows_the_spec():
    assert [map_type(t, "coarse") for t in FINE_TYPES] == ["PER", "ORG", "LOC", "LOC", None, None]
    assert map_type("MISC", "coarse") is None and map_type("MISC", "fine") is None
    assert all(map_type(t, "coarse") == t for t in COARSE_TYPES)


def test_unknown_scheme_is_an_error():
    with pytest.raises(ValueError):
        types_of("onto")
    with pytest.raises(ValueError):
        map_type("PER", "onto")
