"""The bad-input suite: `check`, `analyze`, `counter` and `search` alike, single and --batch.

Bad input is one `error:` line on stderr and a non-zero exit, never a
traceback; in a batch every good line is still answered, in order, and a bad
line gets {"line", "error"} in its place. Real model and shipped index.
"""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from tutor.cli import main

pytestmark = pytest.mark.e2e

COMMANDS = ["check", "analyze", "counter", "search"]
BATCH_COMMANDS = ["check", "analyze", "counter"]
GOOD = "Soft power is real because people buy what they admire, so Korea gains from K-pop."


def invoke(args: list[str], input: str | bytes | None = None):
    return CliRunner().invoke(main, args, input=input)


def assert_one_error(result, fragment: str = "", code: int | None = None) -> str:
    assert not isinstance(result.exception, Exception) or isinstance(result.exception, SystemExit), result.exception
    assert result.exit_code != 0 and (code is None or result.exit_code == code), (result.exit_code, result.output)
    lines = [line for line in result.stderr.splitlines() if line.strip()]
    assert len(lines) == 1 and lines[0].startswith("error: "), result.stderr
    assert fragment in lines[0], lines[0]
    assert "Traceback" not in result.output
    return lines[0]


@pytest.mark.parametrize("command", COMMANDS)
@pytest.mark.parametrize("args, stdin, fragment", [
    (["   "], None, "empty"),
    (["-"], "", "empty"),
    (["-"], "\n\t \n", "empty"),
    (["-"], b"\xff\xfe\xfa not utf-8", "UTF-8"),
    (["\x00\x1b[2J\x07"], None, "empty"),
])
def test_bad_text_is_one_error_line(command, args, stdin, fragment):
    assert_one_error(invoke([command, *args], stdin), fragment)


@pytest.mark.parametrize("command", ["analyze", "counter", "search"])
@pytest.mark.parametrize("text", ["👍🏽🎉👨‍👩‍👧", "!!! ??? …", "→ ★ ✓ 2010"])
def test_no_words_is_no_argument(command, text):
    line = assert_one_error(invoke([command, text]), code=2)
    assert "found: the text has no words" in line


def test_check_of_symbols_finds_nothing_without_an_error():
    result = invoke(["check", "👍🏽🎉 !!!"])
    assert result.exit_code == 0 and result.stdout.strip() == "no fallacy found"


@pytest.mark.parametrize("args, fragment", [
    (["counter", GOOD, "--motion", "nope"], "unknown motion 'nope'"),
    (["analyze", GOOD, "--motion", "nope"], "unknown motion 'nope'"),
    (["counter", GOOD, "-k", "0"], "the number of counters must be at least 1"),
    (["counter", GOOD, "--batch", "-"], "not both"),
    (["analyze", GOOD, "--batch", "-"], "not both"),
    (["check", GOOD, "--batch", "-"], "not both"),
    (["counter", "--batch", "/nonexistent/in.jsonl"], "cannot read batch file"),
    (["analyze", "--batch", "/nonexistent/in.jsonl"], "cannot read batch file"),
    (["check", "--batch", "/nonexistent/in.jsonl"], "cannot read batch file"),
])
def test_bad_options_are_one_error_line(args, fragment):
    assert_one_error(invoke(args, ""), fragment)


BAD_LINES = [
    ("{oops", "invalid JSON"),
    ('{"txt": "no text field"}', 'string "text"'),
    ('{"text": 42}', 'string "text"'),
    ('["text"]', 'string "text"'),
    ('"just a string"', 'string "text"'),
    ('{"text": "   "}', "empty"),
]


@pytest.mark.parametrize("command", BATCH_COMMANDS)
def test_batch_with_mixed_lines_answers_every_good_line_in_order(command):
    lines = [json.dumps({"text": GOOD})]
    expected: dict[int, str] = {}
    for raw, fragment in BAD_LINES:
        if command == "check" and fragment == "empty":
            continue  # an empty text has no findings: a normal answer for check
        lines.append(raw)
        expected[len(lines)] = fragment
        lines.append(json.dumps({"text": f"Line {len(lines) + 1}: {GOOD}"}))
    lines.insert(3, "")  # blank lines are skipped but keep the numbering
    numbered = {n + 1 if n >= 4 else n: f for n, f in expected.items()}
    result = invoke([command, "--batch", "-"], "\n".join(lines) + "\n")
    out = [json.loads(line) for line in result.stdout.splitlines()]
    assert len(out) == len(lines) - 1
    bad = [o for o in out if "error" in o and set(o) == {"line", "error"}]
    assert [o["line"] for o in bad] == sorted(numbered)
    for o in bad:
        assert numbered[o["line"]] in o["error"], o
    good = [o for o in out if o not in bad]
    assert len(good) == len(lines) - 1 - len(bad)
    key = "text" if command == "check" else "argument"
    assert good[0][key] == GOOD
    assert [g[key] for g in good[1:]] == sorted((g[key] for g in good[1:]), key=lambda t: int(t.split(":")[0][5:]))
    line = assert_one_error(result, f"{len(bad)} of {len(out)} lines failed", code=1)
    assert line.startswith("error: ")


@pytest.mark.parametrize("command", BATCH_COMMANDS)
def test_batch_of_only_good_lines_exits_0(command):
    result = invoke([command, "--batch", "-"], json.dumps({"text": GOOD}) + "\n")
    assert result.exit_code == 0 and result.stderr == ""
    assert len(result.stdout.splitlines()) == 1


def test_non_utf8_batch_is_one_error_line():
    for command in BATCH_COMMANDS:
        assert_one_error(invoke([command, "--batch", "-"], b'{"text": "\xff"}\n'), "not UTF-8")


JSON_VALUES = st.recursive(st.none() | st.booleans() | st.integers() | st.text(max_size=20),
                           lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=5), inner, max_size=3),
                           max_leaves=6)
LINE = st.one_of(
    st.text(max_size=40).filter(lambda s: "\n" not in s and "\r" not in s),
    JSON_VALUES.map(json.dumps),
    st.fixed_dictionaries({"text": st.text(max_size=60)}, optional={"motion": JSON_VALUES, "side": JSON_VALUES,
                                                                    "motion_text": JSON_VALUES}).map(json.dumps),
)


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(LINE, min_size=1, max_size=5), st.sampled_from(BATCH_COMMANDS))
@example(['{"text":"\\u0085"}'], "check")  # a line break for splitlines(), escaped in JSON: the answer stays one line
def test_any_batch_is_answered_line_by_line_without_a_traceback(lines, command):
    payload = "\n".join(line.replace("\u2028", " ").replace("\u2029", " ").replace("\x85", " ")
                        .replace("\x0b", " ").replace("\x0c", " ").replace("\x1c", " ").replace("\x1d", " ")
                        .replace("\x1e", " ") for line in lines)
    result = invoke([command, "--batch", "-", "-k", "1"] if command == "counter" else [command, "--batch", "-"], payload)
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    answered = [json.loads(line) for line in result.stdout.splitlines()]
    assert len(answered) == sum(1 for line in payload.splitlines() if line.strip())
    failed = [a for a in answered if set(a) == {"line", "error"}]
    if failed:
        assert_one_error(result, code=1)
    else:
        assert result.exit_code == 0 and result.stderr == ""
