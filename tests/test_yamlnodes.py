from __future__ import annotations

import pytest

from netlint.source import Source, Span
from netlint.yamlnodes import MAX_DEPTH, YList, YMap, locate, parse_documents


def _parse(text: str):  # type: ignore[no-untyped-def]
    docs, err = parse_documents(Source("t.yaml", text))
    assert err is None, err and err.message
    return docs


def test_values_are_plain_python_with_positions() -> None:
    doc = _parse("a:\n  b: [1, two, 3.5, true, null]\n  c: {d: e}\n")[0]
    assert doc.value == {"a": {"b": [1, "two", 3.5, True, None], "c": {"d": "e"}}}
    assert isinstance(doc.value, YMap) and isinstance(doc.value["a"]["b"], YList)
    assert locate(doc, ("a", "b", 1))[1] == Span(2, 10, 2, 13)
    assert locate(doc, ("a", "c", "d"))[1] == Span(3, 7, 3, 11)


def test_scalar_value_span_covers_key_and_value() -> None:
    doc = _parse("spec:\n  securityContext:\n    privileged: true\n")[0]
    assert locate(doc, ("spec", "securityContext", "privileged"))[1] == Span(3, 5, 3, 21)
    # a block mapping value: the key alone
    assert locate(doc, ("spec", "securityContext"))[1] == Span(2, 3, 2, 18)


def test_missing_path_points_at_deepest_existing_key() -> None:
    doc = _parse("spec:\n  containers:\n    - name: app\n      image: x\n")[0]
    _, span = locate(doc, ("spec", "containers", 0, "securityContext", "runAsNonRoot"))
    assert span == Span(3, 7, 3, 16)  # the list item's first line
    _, span = locate(doc, ("spec", "nope", "deeper"))
    assert span == Span(1, 1, 1, 5)


def test_yaml_11_sexagesimal_stays_a_string() -> None:
    doc = _parse("ports:\n  - 22:22\n  - 8080\n")[0]
    assert doc.value["ports"] == ["22:22", 8080]


def test_custom_tags_are_never_constructed() -> None:
    doc = _parse("a: !!python/object/apply:os.system ['echo pwned']\nb: !Ref Thing\n")[0]
    assert doc.value["a"] == ["echo pwned"]
    assert doc.value["b"] == "Thing"


def test_merge_keys_keep_explicit_values_and_source_positions() -> None:
    doc = _parse("base: &b\n  x: 1\n  y: 2\nchild:\n  <<: *b\n  y: 3\n")[0]
    assert doc.value["child"] == {"x": 1, "y": 3}
    assert locate(doc, ("child", "x"))[1].start_line == 2  # points at the anchor's text
    assert locate(doc, ("child", "y"))[1].start_line == 6
    assert doc.duplicates == []


def test_duplicate_keys_are_recorded() -> None:
    doc = _parse("a: 1\nb: 2\na: 3\n")[0]
    assert doc.value["a"] == 3
    (dup,) = doc.duplicates
    assert dup.key == "a" and dup.first[1] == 0 and dup.duplicate[1] == 2


def test_multi_document_stream_and_error_after_good_documents() -> None:
    docs, err = parse_documents(Source("t.yaml", "a: 1\n---\nb: 2\n---\nc: [\n"))
    assert [d.value for d in docs] == [{"a": 1}, {"b": 2}]
    assert err is not None and err.rule == "parse-error"


def test_alias_bomb_is_refused_quickly() -> None:
    lines = ["a: &a [x, x, x, x, x, x, x, x, x, x]"]
    for i in range(1, 10):
        prev, cur = chr(96 + i), chr(97 + i)
        lines.append(f"{cur}: &{cur} [" + ", ".join([f"*{prev}"] * 10) + "]")
    docs, err = parse_documents(Source("bomb.yaml", "\n".join(lines) + "\n"))
    assert docs == [] and err is not None and err.rule == "yaml-alias-bomb"


def test_deep_nesting_is_refused_without_crashing() -> None:
    depth = 100_000
    docs, err = parse_documents(Source("deep.yaml", "[" * depth + "]" * depth))
    assert err is not None and err.rule == "yaml-too-deep"
    docs, err = parse_documents(Source("ok.yaml", "[" * (MAX_DEPTH - 1) + "]" * (MAX_DEPTH - 1)))
    assert err is None and len(docs) == 1


def test_recursive_alias_is_an_error_not_a_hang() -> None:
    _, err = parse_documents(Source("r.yaml", "a: &x [1, *x]\n"))
    assert err is not None and "recursive" in err.message


def test_libyaml_rejection_falls_back_to_pure_python_parser() -> None:
    docs, err = parse_documents(Source("v6.yaml", "a: [1.2.3.4, 001:db8::]\n"))
    assert err is None and docs[0].value["a"][0] == "1.2.3.4"


def test_json_goes_through_the_same_path() -> None:
    doc = _parse('{\n  "kind": "Pod",\n  "spec": {"hostPID": true}\n}\n')[0]
    assert locate(doc, ("spec", "hostPID"))[1] == Span(3, 12, 3, 27)


def test_deep_block_nesting_is_refused_without_crashing() -> None:
    compact = "- " * 100_000 + "x\n"
    _, err = parse_documents(Source("compact.yaml", compact))
    assert err is not None and err.rule == "yaml-too-deep"
    indented = "".join(" " * i + "k:\n" for i in range(1500)) + " " * 1500 + "v\n"
    _, err = parse_documents(Source("indent.yaml", indented))
    assert err is not None and err.rule == "yaml-too-deep"


def test_brackets_in_strings_and_comments_do_not_hide_depth() -> None:
    depth = 50_000
    text = "a: ']]]]]]]]' # ]]]]]]]]\nb: " + "[" * depth + "]" * depth + "\n"
    _, err = parse_documents(Source("tricky.yaml", text))
    assert err is not None and err.rule == "yaml-too-deep"


def test_alias_value_points_at_the_key_not_backwards_to_the_anchor() -> None:
    doc = _parse("a: &x\n  k: v\nb:\n  c: *x\n")[0]
    _, span = locate(doc, ("b", "c"))
    assert span == Span(4, 3, 4, 4)
    assert (span.end_line, span.end_column) >= (span.start_line, span.start_column)


def test_libyaml_depth_refusal_is_reported_as_too_deep(monkeypatch: pytest.MonkeyPatch) -> None:
    """PyYAML >= 6.0.4's libyaml refuses deep nesting itself; older ones do not.

    Simulate the newer refusal so the mapping is tested on every PyYAML in the range.
    """
    import yaml as pyyaml

    from netlint import yamlnodes

    def refuse(*_args: object, **_kwargs: object) -> object:
        raise pyyaml.MarkedYAMLError(
            problem="exceeded maximum nesting depth",
            context="while increasing flow level",
            problem_mark=pyyaml.Mark("x", 0, 2, 7, None, None),
        )

    monkeypatch.setattr(yamlnodes.yaml, "compose_all", refuse)
    _, err = parse_documents(Source("refused.yaml", "a: [[[1]]]\n"))
    assert err is not None and err.rule == "yaml-too-deep"
    assert (err.line0, err.col0) == (2, 7)
