"""Drug matching: time per typed line, and how often an everyday word is read as a drug.

`drug_match_ms_p95` (target <= 2 ms): 10,000 typed medication lines made from the bundled list
the way patients write them (brand or generic, English or Spanish, a dose beside or glued to the
name, a slip of one or two letters, everyday supplements), each matched with the word cache
emptied first, as the first line of a fresh session is.
`everyday_word_false_positive_rate` (target 0.0): the 20,000 most common English and the 20,000
most common Spanish words (wordfreq), each typed alone; a word counts when it is read as a
drug it is not (a word that is itself a name on the list, "aspirin", is read correctly).

Baselines in the same run, where git can show them: the matcher before issue 12 (commit
BASELINE_COMMIT, its own smaller list) over the same lines and words; rapidfuzz's distance
against the old hand-written one on the same word pairs; and the misspelling lookup drugs.py
does (a rapidfuzz scan of the list words of a near length) against the old deletion index.
"""

from __future__ import annotations

import importlib.util
import random
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from types import ModuleType

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from rapidfuzz.distance import OSA  # noqa: E402
from wordfreq import top_n_list  # noqa: E402

from kiosk.intake import drugs  # noqa: E402

LINES = 10_000
COMMON_WORDS = 20_000
TARGET_P95_MS = 2.0
BASELINE_COMMIT = "dffef1f"  # main before issue 12: the hand-written matcher and its list
SEED = 12
DOSES = ["50 mg", "100mg", "0.5 mg", "1 g", "20 mg twice daily", "10 mg por la noche", "75 mcg"]
TAILS = ["", " as needed", " at night", " cada 8 horas", " para la migraña", " daily", " 2 tabs"]
EVERYDAY = ["fish oil 1000 mg", "vitamin D3", "magnesio 400", "té de manzanilla", "probiotic"]


def typed_lines(count: int) -> list[str]:
    """Medication lines as patients type them, from every name on the list."""
    rng = random.Random(SEED)
    names = [name.text for name in drugs.drug_names()]
    lines = []
    for _ in range(count):
        roll = rng.random()
        if roll < 0.05:
            lines.append(rng.choice(EVERYDAY))
            continue
        name = rng.choice(names)
        if roll < 0.25 and len(name) > 5:
            at = rng.randrange(len(name) - 1)
            name = name[:at] + name[at + 1] + name[at] + name[at + 2 :]  # two letters swapped
        elif roll < 0.35:
            name = name.lower()
        dose = rng.choice(DOSES)
        glued = roll > 0.9
        lines.append(f"{name}{dose.replace(' ', '')}" if glued else f"{name} {dose}")
        lines[-1] += rng.choice(TAILS)
    return lines


def p95_ms(match: Callable[[str], object], lines: list[str], clear: Callable[[], None]) -> float:
    times = []
    for line in lines:
        clear()
        start = time.perf_counter()
        match(line)
        times.append((time.perf_counter() - start) * 1000)
    return statistics.quantiles(times, n=100)[94]


def false_positive_rate(misread: Callable[[str], bool], words: list[str]) -> tuple[float, int]:
    count = sum(1 for word in words if misread(word))
    return count / len(words), count


def old_matcher() -> ModuleType | None:
    """The matcher as it was at BASELINE_COMMIT, loaded beside its own list; None without git."""
    folder = Path(tempfile.mkdtemp(prefix="old-drugs-"))
    try:
        for name in ("drugs.py", "drugs.toml"):
            shown = subprocess.run(
                ["git", "-C", str(ROOT), "show", f"{BASELINE_COMMIT}:kiosk/intake/{name}"],
                capture_output=True,
                check=True,
            )
            (folder / name).write_bytes(shown.stdout)
    except (OSError, subprocess.CalledProcessError):
        return None
    spec = importlib.util.spec_from_file_location("old_drugs", folder / "drugs.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # Why: its dataclasses look their module up by name.
    spec.loader.exec_module(module)
    return module


def us_per_call(call: Callable[[], object], repeat: int) -> float:
    start = time.perf_counter()
    for _ in range(repeat):
        call()
    return (time.perf_counter() - start) / repeat * 1e6


def bench_distance_choices(old: ModuleType | None, lines: list[str]) -> None:
    """Per misspelt word: rapidfuzz against the old hand-written distance and deletion index."""
    vocabulary = sorted(drugs.vocabulary())
    typed = {word for line in lines for word in drugs.words(line) if drugs.edit_limit(word)}
    misspelt = sorted(typed - drugs.vocabulary())[:2000]
    pairs = [
        (word, target)
        for word in misspelt
        for target in vocabulary
        if abs(len(word) - len(target)) <= drugs.edit_limit(word)
    ][:200_000]

    def rapidfuzz_distances() -> None:
        for word, target in pairs:
            OSA.distance(word, target, score_cutoff=2)

    rapid = us_per_call(rapidfuzz_distances, 1) / len(pairs)
    print(f"BENCH edit_distance_us_rapidfuzz {rapid:.3f} us")
    if old is not None:

        def handwritten_distances() -> None:
            for word, target in pairs:
                old.edit_distance(word, target, 2)

        handwritten = us_per_call(handwritten_distances, 1) / len(pairs)
        print(f"BENCH edit_distance_us_handwritten {handwritten:.3f} us")

    def scans() -> None:
        for word in misspelt:
            drugs.closest_list_word.__wrapped__(word)

    scan = us_per_call(scans, 2) / len(misspelt)
    print(f"BENCH fuzzy_lookup_us_rapidfuzz_scan {scan:.1f} us ({len(vocabulary)} list words)")
    if old is not None:
        old._fuzzy_index()  # noqa: SLF001  (built once, outside the timing, as in the old kiosk)

        def old_lookups() -> None:
            for word in misspelt:
                old._closest.__wrapped__(word)  # noqa: SLF001

        old_scan = us_per_call(old_lookups, 2) / len(misspelt)
        print(f"BENCH fuzzy_lookup_us_old_deletion_index {old_scan:.1f} us (the old, smaller list)")


def main() -> None:
    start = time.perf_counter()
    drugs.match_medication("Lamictal")
    drugs.match_medication("lamotrigene")  # the misspelling index and rapidfuzz load here
    print(f"BENCH drug_list_load_ms {(time.perf_counter() - start) * 1000:.0f} ms")
    lines = typed_lines(LINES)
    p95 = p95_ms(drugs.match_medication, lines, drugs.closest_list_word.cache_clear)
    print(f"BENCH drug_match_ms_p95 {p95:.3f} ms")
    words = top_n_list("en", COMMON_WORDS) + top_n_list("es", COMMON_WORDS)

    def misread(word: str) -> bool:
        return not all(match.exact for match in drugs.match_medication(word))

    rate, count = false_positive_rate(misread, words)
    print(f"BENCH everyday_word_false_positive_rate {rate:.4f} ratio ({count} of {len(words)})")
    old = old_matcher()
    if old is not None:
        old_p95 = p95_ms(old.match_medication, lines, old._closest.cache_clear)  # noqa: SLF001
        print(f"BENCH drug_match_ms_p95_old_matcher {old_p95:.3f} ms")

        def old_misread(word: str) -> bool:
            return not all(match.exact for match in old.match_medication(word))

        old_rate, old_count = false_positive_rate(old_misread, words)
        print(
            f"BENCH everyday_word_false_positive_rate_old_matcher {old_rate:.4f} ratio "
            f"({old_count} of {len(words)})"
        )
    bench_distance_choices(old, lines)
    met = p95 <= TARGET_P95_MS and rate == 0.0
    print(f"targets (p95 <= {TARGET_P95_MS} ms, false positives 0.0): {'met' if met else 'MISSED'}")


if __name__ == "__main__":
    main()
