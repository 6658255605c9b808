"""The safe YAML reader: positions, limits, and no object construction ever."""

import pytest

from sim.config.yamlsafe import MAX_NODES, read_file, read_text
from sim.errors import ScenarioError


def test_plain_values_and_positions():
    doc = read_text("a: 1\nb:\n  - x\n  - {c: 2.5, d: null, e: true, f: 0x10}\n", "f.yaml")
    assert doc.data == {"a": 1, "b": ["x", {"c": 2.5, "d": None, "e": True, "f": 16}]}
    assert (doc.positions[("a",)].line, doc.positions[("a",)].col) == (1, 4)
    assert doc.positions[("b", 1, "d")].line == 4
    # a missing path falls back to its nearest ancestor
    assert doc.pos(("b", 1, "zzz")) == doc.positions[("b", 1)]


def test_python_tags_construct_nothing(tmp_path):
    marker = tmp_path / "pwned"
    text = f'x: !!python/object/apply:os.system ["touch {marker}"]\n'
    with pytest.raises(ScenarioError) as e:
        read_text(text, "evil.yaml")
    assert "evil.yaml:1:4: x: YAML tag !!python/object/apply:os.system is not allowed" in str(e.value)
    assert not marker.exists()


def test_alias_bomb_is_refused_quickly():
    lines = ['a: &a ["x","x","x","x","x","x","x","x","x","x"]']
    for i, name in enumerate("bcdefgh"):
        prev = "abcdefgh"[i]
        lines.append(f"{name}: &{name} [{','.join(['*' + prev] * 10)}]")
    with pytest.raises(ScenarioError, match=f"more than {MAX_NODES:,} values"):
        read_text("\n".join(lines), "bomb.yaml")


def test_small_aliases_are_fine():
    doc = read_text("a: &x [1, 2]\nb: *x\n")
    assert doc.data == {"a": [1, 2], "b": [1, 2]}


def test_duplicate_keys_are_reported_with_their_line():
    with pytest.raises(ScenarioError, match=r"f.yaml:3:1: a: duplicate key"):
        read_text("a: 1\nb: 2\na: 3\n", "f.yaml")


def test_binary_and_huge_files(tmp_path):
    binary = tmp_path / "b.yaml"
    binary.write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00")
    with pytest.raises(ScenarioError, match="binary file"):
        read_file(binary)
    huge = tmp_path / "h.yaml"
    huge.write_text("a: " + "x" * 3_000_000)
    with pytest.raises(ScenarioError, match="too large"):
        read_file(huge)


REPO = __import__("pathlib").Path(__file__).resolve().parents[2]


def _utf8(path) -> bool:  # the hostile corpus has UTF-16/32 files: refused before any parser sees them
    try:
        path.read_bytes().decode("utf-8-sig")
    except UnicodeDecodeError:
        return False
    return True


YAML_FILES = sorted(
    p.relative_to(REPO).as_posix()
    for d in ("scenarios", "configs", "tests")
    for p in (REPO / d).rglob("*.yaml")
    if _utf8(p)
)


def test_libyaml_is_the_parser():
    """ruamel.yaml.clib is a dependency: without it every command reads its files ten times slower."""
    from ruamel.yaml import YAML
    from ruamel.yaml.cyaml import CParser

    assert YAML(typ="safe").Parser is CParser


@pytest.mark.parametrize("name", YAML_FILES)
def test_libyaml_and_ruamel_read_every_file_alike(name):
    """The fast parser gives the same data and positions as ruamel's own, and refuses what ruamel refuses
    with the same error (a YAML syntax error is reported by ruamel's parser in any case: read_text falls back)."""
    from ruamel.yaml import YAML
    from ruamel.yaml.error import YAMLError

    from sim.config.yamlsafe import _compose, _convert

    text = (REPO / name).read_bytes().decode("utf-8-sig")

    def read(pure: bool):
        try:
            doc = _convert(_compose(YAML(typ="safe", pure=pure), text, name), name)
        except YAMLError:
            return "syntax"
        except ScenarioError as e:
            return str(e)
        return doc.data, doc.positions

    fast, pure = read(False), read(True)
    if fast != "syntax":
        assert fast == pure
