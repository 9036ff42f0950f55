"""`ivr prompts`: scripts for voice talent, importing recordings, and the coverage report."""

from __future__ import annotations

import csv
import io
import json
import math
import shutil
import wave
from pathlib import Path
from typing import Any

import pytest
from babel.messages.catalog import Catalog
from babel.messages.pofile import read_po, write_po
from click.testing import CliRunner
from support import ROOT

from ivr.cli import cli, main
from ivr.i18n import LANGUAGES
from ivr.menu import load_menu
from ivr.prompts import Resolver
from ivr.prompts_command import load_texts
from ivr.recordings import is_recordable
from ivr.variants import containing, fixed_variants

MENU = load_menu(ROOT / "menus")
SOURCES = MENU.sources
RECORDABLE = [p for p, s in SOURCES.items() if is_recordable(s)]
SENTENCES = fixed_variants(MENU, Resolver(SOURCES, load_texts(ROOT / "locales")))
WOLOF = {  # test data: a few prompts "translated", the rest left out on purpose
    "menu.invalid": "Baal nu, loolu bokkul ci tànneef yi.",
    "goodbye": "Ba beneen yoon.",
}


def sine_wav(path: Path, rate: int = 8000, channels: int = 1, seconds: float = 1.0,
             frequency: float = 440, amplitude: float = 0.5) -> Path:
    """Write a 16-bit PCM sine (the same on every channel) and return its path."""
    path.parent.mkdir(parents=True, exist_ok=True)
    frames = bytearray()
    for n in range(round(rate * seconds)):
        value = round(amplitude * 32767 * math.sin(2 * math.pi * frequency * n / rate))
        frames += value.to_bytes(2, "little", signed=True) * channels
    with wave.open(str(path), "wb") as writer:
        writer.setnchannels(channels)
        writer.setsampwidth(2)
        writer.setframerate(rate)
        writer.writeframes(bytes(frames))
    return path


def run(runner: CliRunner, *args: str) -> Any:
    """Run ``ivr prompts`` on the shipped menus (and catalogues, unless others are given)."""
    locales = () if "--locales" in args else ("--locales", str(ROOT / "locales"))
    return runner.invoke(cli, ["prompts", *args, "--menus", str(ROOT / "menus"), *locales])


# -- import -------------------------------------------------------------------------------


def test_44k1_stereo_is_converted_to_8_khz_mono_with_its_pitch_and_length(
        runner: CliRunner, tmp_path: Path) -> None:
    sine_wav(tmp_path / "in" / "kea" / "menu.invalid.wav", 44100, 2, seconds=2.0)
    result = run(runner, "import", str(tmp_path / "in"), "--prompts", str(tmp_path / "p"))
    assert result.exit_code == 0, result.output
    assert result.output.startswith("converted      kea/menu.invalid.wav → kea/menu.invalid"
                                    ".wav (44.1 kHz stereo 16-bit → 8 kHz mono 16-bit, 2.0 s)")
    with wave.open(str(tmp_path / "p" / "kea" / "menu.invalid.wav"), "rb") as reader:
        assert (reader.getframerate(), reader.getnchannels(), reader.getsampwidth()) == (
            8000, 1, 2)
        assert reader.getnframes() == 16000
        raw = reader.readframes(16000)
    samples = [int.from_bytes(raw[i:i + 2], "little", signed=True) for i in range(0, 32000, 2)]
    crossings = sum((a < 0) != (b < 0) for a, b in zip(samples, samples[1:], strict=False))
    assert crossings / 2 / 2.0 == pytest.approx(440, rel=0.01)


def test_telephone_format_is_filed_unchanged(runner: CliRunner, tmp_path: Path) -> None:
    source = sine_wav(tmp_path / "in" / "wo" / "goodbye.wav")
    result = run(runner, "import", str(tmp_path / "in"), "--prompts", str(tmp_path / "p"))
    assert result.exit_code == 0, result.output
    assert result.output.splitlines() == [
        "filed          wo/goodbye.wav → wo/goodbye.wav (8 kHz mono 16-bit, 1.0 s)",
        "1 filed, 0 converted, 0 refused"]
    assert (tmp_path / "p" / "wo" / "goodbye.wav").read_bytes() == source.read_bytes()


@pytest.mark.parametrize(("name", "make", "reason"), [
    ("goodbye.wav", lambda p: sine_wav(p, amplitude=0), "silent"),
    ("goodbye.wav", lambda p: sine_wav(p, seconds=61), "too long (61.0 s; at most 60 s)"),
    ("goodby.wav", sine_wav, "unknown prompt 'goodby' (did you mean 'goodbye'?)"),
    ("closed.next.wav", sine_wav, "placeholders ({when})"),
    ("goodbye.wav", lambda p: sine_wav(p).write_text("not audio"), "not a readable WAV file"),
])
def test_refused_files_say_why_and_nothing_is_written(
        runner: CliRunner, tmp_path: Path, name: str, make: Any, reason: str) -> None:
    make(tmp_path / "in" / "pov" / name)
    result = run(runner, "import", str(tmp_path / "in"), "--prompts", str(tmp_path / "p"))
    assert result.exit_code == 1
    first = result.output.splitlines()[0]
    assert first.startswith(f"refused        pov/{name}: ")
    assert reason in first
    assert not (tmp_path / "p").exists()


def test_one_refusal_fails_the_import_but_good_files_are_filed(runner: CliRunner,
                                                               tmp_path: Path) -> None:
    sine_wav(tmp_path / "in" / "goodbye.wav", 16000)
    sine_wav(tmp_path / "in" / "nonsense.wav")
    result = run(runner, "import", str(tmp_path / "in"), "--lang", "mnk",
                 "--prompts", str(tmp_path / "p"))
    assert result.exit_code == 1
    assert "0 filed, 1 converted, 1 refused" in result.output
    assert [p.name for p in (tmp_path / "p" / "mnk").iterdir()] == ["goodbye.wav"]


def test_a_sentence_is_filed_under_the_name_of_the_script_and_a_stale_one_is_refused(
        runner: CliRunner, tmp_path: Path) -> None:
    name = next(iter(SENTENCES["wo"]))
    sine_wav(tmp_path / "in" / "wo" / f"{name}.wav")
    sine_wav(tmp_path / "in" / "wo" / "menu.option.0123abcd.wav")
    result = run(runner, "import", str(tmp_path / "in"), "--prompts", str(tmp_path / "p"))
    assert result.exit_code == 1
    *lines, summary = result.output.splitlines()
    assert sorted(lines) == sorted([
        "refused        wo/menu.option.0123abcd.wav: no sentence of the menus in wo is named "
        "'menu.option.0123abcd': its text may have changed since the script was exported, "
        "so export the script again",
        f"filed          wo/{name}.wav → wo/{name}.wav (8 kHz mono 16-bit, 1.0 s)"])
    assert summary == "1 filed, 0 converted, 1 refused"
    assert [p.name for p in (tmp_path / "p" / "wo").iterdir()] == [f"{name}.wav"]


def test_a_dry_run_reports_and_writes_nothing(runner: CliRunner, tmp_path: Path) -> None:
    sine_wav(tmp_path / "in" / "kea" / "goodbye.wav", 22050)
    result = run(runner, "import", str(tmp_path / "in"), "--dry-run",
                 "--prompts", str(tmp_path / "p"))
    assert result.exit_code == 0
    assert result.output.startswith("would convert  kea/goodbye.wav")
    assert "(dry run: nothing written)" in result.output
    assert not (tmp_path / "p").exists()


# -- script -------------------------------------------------------------------------------


@pytest.fixture
def locales(tmp_path: Path) -> Path:
    """The shipped catalogues, with a Wolof one that translates only the WOLOF prompts."""
    folder = tmp_path / "locales"
    shutil.copytree(ROOT / "locales", folder)
    catalog = Catalog(locale="wo", domain="ivr")
    for prompt_id, source in SOURCES.items():
        catalog.add(source.text, WOLOF.get(prompt_id, ""), context=prompt_id,
                    flags=("needs-review",) if prompt_id == "goodbye" else ())
    with (folder / "wo" / "LC_MESSAGES" / "ivr.po").open("wb") as handle:
        write_po(handle, catalog)
    return folder


def test_script_csv_has_the_wolof_text_and_never_another_language(
        runner: CliRunner, tmp_path: Path, locales: Path) -> None:
    sine_wav(tmp_path / "p" / "wo" / "goodbye.wav")
    result = run(runner, "script", "--lang", "wo", "--locales", str(locales),
                 "--prompts", str(tmp_path / "p"))
    assert result.exit_code == 0, result.output
    rows = {row["prompt_id"]: row for row in csv.DictReader(io.StringIO(result.output))}
    assert list(rows) == RECORDABLE
    assert rows["menu.invalid"] == {
        "prompt_id": "menu.invalid", "file": "wo/menu.invalid.wav", "text": WOLOF["menu.invalid"],
        "status": "translated", "english": SOURCES["menu.invalid"].text, "note": "",
        "recorded": "no"}
    assert (rows["goodbye"]["status"], rows["goodbye"]["recorded"]) == ("needs review", "yes")
    untranslated = [row for p, row in rows.items() if p not in WOLOF]
    assert untranslated
    assert all((r["text"], r["status"]) == ("", "missing") for r in untranslated)


def test_script_lists_the_sentences_of_the_shipped_catalogue_with_their_english(
        runner: CliRunner, tmp_path: Path) -> None:
    result = run(runner, "script", "--lang", "wo", "--prompts", str(tmp_path / "p"))
    assert result.exit_code == 0, result.output
    rows = {row["prompt_id"]: row for row in csv.DictReader(io.StringIO(result.output))}
    assert list(rows) == [*RECORDABLE, *SENTENCES["wo"]]
    for name, variant in SENTENCES["wo"].items():
        assert (rows[name]["file"], rows[name]["text"], rows[name]["english"]) == (
            f"wo/{name}.wav", variant.text, variant.english)
        assert rows[name]["recorded"] == "no"


def test_script_markdown_explains_the_files_and_lists_the_texts(
        runner: CliRunner, tmp_path: Path, locales: Path) -> None:
    out = tmp_path / "wolof.md"
    result = run(runner, "script", "--lang", "wo", "--out", str(out), "--locales", str(locales),
                 "--prompts", str(tmp_path / "p"))
    assert result.exit_code == 0, result.output
    page = out.read_text(encoding="utf-8")
    assert page.startswith("# Prompts to record in Wolof (`wo`)")
    assert "`prompts/wo/<prompt-id>.wav`" in page
    assert "PCM 16-bit, mono, 8 kHz" in page
    table = [line for line in page.splitlines() if line.startswith("| ")][2:]
    assert len(table) == len(RECORDABLE)
    texts = {cells[1].strip("`"): cells[2] for cells in (line.split(" | ") for line in table)}
    assert texts["wo/menu.invalid.wav"] == WOLOF["menu.invalid"]
    assert texts["wo/menu.silence.wav"] == ""
    assert SOURCES["menu.silence"].text not in texts.values()


# -- status -------------------------------------------------------------------------------


def status(runner: CliRunner, prompts: Path) -> dict[str, dict[str, Any]]:
    """Run ``ivr prompts status --json`` on the shipped catalogues; index it by language."""
    result = run(runner, "status", "--json", "--locales", str(ROOT / "locales"),
                 "--prompts", str(prompts))
    assert result.exit_code == 0, result.output
    report = json.loads(result.output)
    assert (report["prompts"], report["recordable"]) == (len(SOURCES), len(RECORDABLE))
    assert [entry["language"] for entry in report["languages"]] == list(LANGUAGES)
    return {entry["language"]: entry for entry in report["languages"]}


def _flagged(code: str) -> int:
    """Count the menu's entries of a shipped catalogue flagged as needing review."""
    with (ROOT / "locales" / code / "LC_MESSAGES" / "ivr.po").open("rb") as handle:
        catalog = read_po(handle)
    return sum(1 for m in catalog if m.id and m.string and not m.fuzzy
               and "needs-review" in m.flags and m.context in SOURCES
               and _singular(m.id) == SOURCES[m.context].text)


def _singular(msgid: object) -> str:
    """Return the singular source text of an entry (plural entries hold a pair)."""
    return str(msgid[0] if isinstance(msgid, (tuple, list)) else msgid)


def test_status_json_describes_every_language(runner: CliRunner, tmp_path: Path) -> None:
    report = status(runner, tmp_path / "none")
    for code, entry in report.items():
        assert 0 <= entry["translated"] <= 1
        assert entry["translated"] == round(1 - len(entry["missing"]) / len(SOURCES), 4)
        assert entry["needs_review"] == len(entry["review"]) == _flagged(code)
        assert (entry["recorded"], entry["recorded_count"]) == (0, 0)
        assert (entry["sentences"], entry["sentences_recorded"]) == (len(SENTENCES[code]), 0)
        assert entry["recordable"] == len(RECORDABLE) + len(SENTENCES[code])
        assert entry["voice"] == LANGUAGES[code].voice
    assert (report["en"]["translated"], report["en"]["missing"]) == (1.0, [])
    assert {code: e["mode"] for code, e in report.items() if e["mode"] != "tts"} == {
        "kea": "fallback:pt_PT", "pov": "fallback:pt_PT", "ff": "fallback:fr",
        "mnk": "fallback:fr", "wo": "fallback:fr"}


def test_recordings_change_what_a_caller_hears(runner: CliRunner, tmp_path: Path) -> None:
    prompts = tmp_path / "prompts"
    sentences = SENTENCES["kea"]
    sine_wav(prompts / "kea" / "menu.invalid.wav")
    kea = status(runner, prompts)["kea"]
    assert (kea["recorded_count"], kea["mode"]) == (1, "fallback:pt_PT")
    assert kea["recordable"] == len(RECORDABLE) + len(sentences)
    assert kea["recorded"] == round(1 / (len(RECORDABLE) + len(sentences)), 4)
    assert kea["heard"]["recording"] == 1
    for prompt_id in RECORDABLE:
        (prompts / "kea" / f"{prompt_id}.wav").write_bytes(b"")
    (prompts / "kea" / "closed.next.wav").write_bytes(b"")
    kea = status(runner, prompts)["kea"]
    assert (kea["recorded_count"], kea["mode"]) == (len(RECORDABLE), "fallback:pt_PT")
    for name in sentences:
        (prompts / "kea" / f"{name}.wav").write_bytes(b"")
    kea = status(runner, prompts)["kea"]
    assert (kea["recorded"], kea["mode"]) == (1.0, "recording")
    assert (kea["sentences"], kea["sentences_recorded"]) == (len(sentences), len(sentences))
    spoken = set(containing(sentences)) - set(RECORDABLE)  # nested ones too ("For {name}")
    assert {v.prompt.id for v in sentences.values()} < spoken
    assert kea["heard"] == {"recording": len(RECORDABLE) + len(spoken), "tts": 0,
                            "fallback": len(SOURCES) - len(RECORDABLE) - len(spoken)}
    assert kea["unused_recordings"] == ["closed.next"]


def test_status_text_has_a_row_per_language_and_a_matrix(runner: CliRunner,
                                                         tmp_path: Path) -> None:
    sine_wav(tmp_path / "p" / "wo" / "goodbye.wav")
    result = run(runner, "status", "--matrix", "--locales", str(ROOT / "locales"),
                 "--prompts", str(tmp_path / "p"))
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert lines[0].split() == ["lang", "language", "translated", "needs", "review",
                                "recorded", "sentences", "caller", "hears"]
    assert [line.split()[0] for line in lines[1:15]] == list(LANGUAGES)
    assert lines[2].split()[2] == "100%"
    assert "fallback:pt_PT" in lines[10]
    goodbye = next(line for line in lines if line.startswith("goodbye "))
    assert goodbye.split()[-1].endswith("●")
    assert next(line for line in lines if line.startswith("closed.next {}"))
    assert "{} has placeholders: recorded sentence by sentence" in result.output


def test_the_matrix_marks_a_prompt_with_placeholders_once_each_sentence_is_recorded(
        runner: CliRunner, tmp_path: Path) -> None:
    options = [n for n, v in SENTENCES["wo"].items() if v.prompt.id == "menu.option"]
    (tmp_path / "p" / "wo").mkdir(parents=True)
    for name in options[1:]:  # the report looks at names only
        (tmp_path / "p" / "wo" / f"{name}.wav").write_bytes(b"")

    def option_cell() -> str:
        result = run(runner, "status", "--matrix", "--prompts", str(tmp_path / "p"))
        assert result.exit_code == 0, result.output
        line = next(line for line in result.output.splitlines()
                    if line.startswith("menu.option {}"))
        return line.split()[-1]

    assert option_cell() == "R"
    (tmp_path / "p" / "wo" / f"{options[0]}.wav").write_bytes(b"")
    assert option_cell() == "R●"


# -- command line -------------------------------------------------------------------------


@pytest.mark.parametrize(("argv", "code", "message"), [
    (["prompts", "script", "--lang", "mo"], 2, "Invalid value for '--lang': 'mo'"),
    (["prompts", "script", "--lang", "wo", "--format", "pdf"], 2, "'pdf' is not one of"),
    (["prompts", "import", "/no/such/folder"], 1, "ivr: /no/such/folder is not a folder"),
    (["prompts", "status", "--locales", "/no/such/folder"], 1,
     "ivr: /no/such/folder is not a folder of translation catalogues"),
])
def test_bad_arguments_are_one_readable_sentence(capsys: pytest.CaptureFixture[str],
                                                 argv: list[str], code: int,
                                                 message: str) -> None:
    with pytest.raises(SystemExit) as caught:
        main([*argv, "--menus", str(ROOT / "menus")])
    assert caught.value.code == code
    err = capsys.readouterr().err
    assert message in err
    assert "Traceback" not in err


def test_an_empty_delivery_is_an_error(capsys: pytest.CaptureFixture[str],
                                       tmp_path: Path) -> None:
    with pytest.raises(SystemExit) as caught:
        main(["prompts", "import", str(tmp_path), "--menus", str(ROOT / "menus")])
    assert caught.value.code == 1
    assert capsys.readouterr().err == (f"ivr: no recordings found: expected "
                                       f"{tmp_path}/<lang>/<prompt-id>.wav\n")
