"""`tutor check` and `tutor fallacies` through click's CliRunner (fake embedder)."""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner

from fallacy_fakes import FakeEmbedder, rules_only_classifier  # tests/ is on sys.path (no __init__.py)
from tutor.commands.fallacy_cmds import check, fallacies
from tutor.fallacy import checker as checker_module
from tutor.fallacy.catalog import TYPE_IDS


@pytest.fixture(autouse=True)
def fake_checker(monkeypatch):
    real = checker_module.FallacyChecker

    def factory(*args, **kwargs):
        return real(embedder=FakeEmbedder(), classifier=rules_only_classifier(), check_model_name=False)

    monkeypatch.setattr(checker_module, "FallacyChecker", factory)


def run(args, input=None):
    return CliRunner().invoke(check, args, input=input)


def test_check_text_plain():
    result = run(["I read it. So your analogy is broken like your literacy."])
    assert result.exit_code == 0, result.output
    assert "Ad hominem (abusive)" in result.output and "literacy" in result.output
    assert "fix:" in result.output


def test_check_clean_text_says_no_fallacy():
    result = run(["Trams carry more people per hour than cars, according to the city's counts."])
    assert result.exit_code == 0
    assert result.output.strip() == "no fallacy found"


def test_check_json_and_stdin():
    text = "Either we ban cars or the city dies."
    result = run(["-", "--json"], input=text)
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    assert data["text"] == text
    [finding] = data["findings"]
    assert finding["type"] == "false_dilemma"
    assert text[finding["start"]:finding["end"]] == finding["quote"]


def test_markup_is_printed_verbatim():
    text = "[@click=app.quit]x[/] [red]Either you leave or you stay.[/red]"
    result = run([text])
    assert result.exit_code == 0
    assert "[red]Either you leave or you stay.[/red]" in result.output


def test_batch_jsonl_in_order(tmp_path):
    lines = [{"text": "What about their pollution?"}, {"text": ""}, {"text": "Trams are quiet."},
             {"text": "你好。Either this or that."}]
    path = tmp_path / "in.jsonl"
    path.write_text("\n".join(json.dumps(x, ensure_ascii=False) for x in lines) + "\n", encoding="utf-8")
    result = run(["--batch", str(path)])
    assert result.exit_code == 0, result.output
    out = [json.loads(line) for line in result.output.splitlines()]
    assert [o["text"] for o in out] == [x["text"] for x in lines]
    assert [f["type"] for f in out[0]["findings"]] == ["whataboutism"]
    assert out[1]["findings"] == [] and out[2]["findings"] == []
    assert [f["type"] for f in out[3]["findings"]] == ["false_dilemma"]


def test_batch_from_stdin():
    result = run(["--batch", "-"], input='{"text": "No true fan would leave early."}\n')
    assert result.exit_code == 0
    assert json.loads(result.output)["findings"][0]["type"] == "no_true_scotsman"


@pytest.mark.parametrize(
    "payload, needle",
    [
        ('{"text": "ok"}\nnot json\n', "invalid JSON"),
        ('{"text": "ok"}\n{"txt": "ok"}\n', "expected an object"),
        ('{"text": "ok"}\n[1, 2]\n', "expected an object"),
        ('{"text": "ok"}\n{"text": 5}\n', "a string"),
    ],
)
def test_batch_bad_line_is_answered_in_its_place(payload, needle):
    result = run(["--batch", "-"], input=payload)
    assert result.exit_code == 1
    good, bad = [json.loads(line) for line in result.stdout.splitlines()]
    assert good["text"] == "ok" and good["findings"] == []
    assert bad["line"] == 2 and needle in bad["error"] and set(bad) == {"line", "error"}
    [line] = result.stderr.splitlines()
    assert line.startswith("error: 1 of 2 lines failed (line 2)") and "Traceback" not in result.output


def test_check_strips_control_characters_from_the_terminal_but_not_the_json():
    text = ("\x00I read it. So your analogy is broken like your literacy.\x1b[31m "
            "\x1b]0;pwned\x07Either we ban cars or the city dies.\u202e")
    result = run([text])
    assert result.exit_code == 0, result.output
    for raw in ("\x00", "\x1b", "\x07", "\u202e", "pwned"):
        assert raw not in result.stdout
    assert "Ad hominem" in result.stdout and "False dilemma" in result.stdout
    assert result.stderr.strip() == "note: control characters and escape sequences in the text are not shown"
    data = json.loads(run(["--json", text]).stdout)
    assert data["text"] == text
    assert all(text[f["start"]:f["end"]] == f["quote"] for f in data["findings"]) and data["findings"]


def test_check_reads_at_most_the_input_limit():
    from tutor.text import MAX_CHARS

    text = "Either we ban phones or pupils fail. " * (MAX_CHARS // 30)
    result = run(["-"], input=text)
    assert result.exit_code == 0
    assert f"note: only the first {MAX_CHARS:,} characters were read" in result.stderr
    data = json.loads(run(["-", "--json"], input=text).stdout)
    assert data["text"] == text[:MAX_CHARS] and data["notes"] == [f"only the first {MAX_CHARS:,} characters were read"]
    assert data["findings"] and max(f["end"] for f in data["findings"]) <= MAX_CHARS


def test_debate_with_a_bad_line_is_one_error():
    result = run(["--batch", "-", "--debate"], input='{"text": "Power is power."}\n{"txt": 1}\n')
    assert result.exit_code == 1 and result.stdout == ""
    assert result.stderr.startswith("error: standard input:2: expected an object") and len(result.stderr.splitlines()) == 1


def test_batch_missing_file(tmp_path):
    result = run(["--batch", str(tmp_path / "nope.jsonl")])
    assert result.exit_code != 0 and result.output.startswith("error: cannot read batch file")


@pytest.mark.parametrize("args, stdin", [(["   "], None), (["-"], ""), (["-"], "\n\t\n")])
def test_empty_text_is_usage_error(args, stdin):
    result = run(args, input=stdin)
    assert result.exit_code == 2
    assert result.output.startswith("error: the text is empty")


def test_text_and_batch_together_is_usage_error():
    result = run(["hello", "--batch", "-"], input="")
    assert result.exit_code == 2 and "either TEXT or --batch" in result.output


def test_non_utf8_stdin():
    result = CliRunner().invoke(check, ["-"], input=b"\xff\xfe\xfa")
    assert result.exit_code != 0 and result.output.startswith("error: ") and "UTF-8" in result.output


def test_fallacies_plain_and_json():
    result = CliRunner().invoke(fallacies, [])
    assert result.exit_code == 0
    for type_id in TYPE_IDS:
        assert f"[{type_id}]" in result.output
    assert "repair:" in result.output
    data = json.loads(CliRunner().invoke(fallacies, ["--json"]).output)
    assert [d["id"] for d in data] == list(TYPE_IDS)
    assert all(d["definition"] and d["why"] and d["repair"] and d["examples"] for d in data)


def test_check_debate_reports_a_term_shifting_between_turns():
    turns = [
        {"text": "Soft power is real power: people are attracted to Korean culture and buy its goods."},
        {"text": "Power means the ability to coerce others with sanctions and armies."},
    ]
    result = run(["--batch", "-", "--debate"], input="\n".join(json.dumps(t) for t in turns) + "\n")
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    assert [t["text"] for t in data["texts"]] == [t["text"] for t in turns]
    shift = data["debate_findings"][0]
    assert shift["type"] == "equivocation" and {shift["text_index"], shift["other"]["text_index"]} == {0, 1}
    assert len(shift["senses"]) == 2


def test_debate_needs_batch():
    result = run(["some text", "--debate"])
    assert result.exit_code == 2 and "--debate needs --batch" in result.output
