#!/usr/bin/python3
"""Tests of tools/bench-report on synthetic Google Benchmark output.

Run by CTest (tests/CMakeLists.txt, bench_report_test) or by hand:
    tools/bench_report_test.py -v
No benchmark runs: `run` is exercised with fake executables that answer like
Google Benchmark 1.7 (which rejects "--benchmark_min_time=0.01s").
"""

import json
import os
import re
import subprocess
import sys
import tempfile
import textwrap
import unittest
from pathlib import Path

TOOL = Path(__file__).resolve().parent / "bench-report"

try:
    import matplotlib  # noqa: F401
    HAVE_MATPLOTLIB = True
except ImportError:
    HAVE_MATPLOTLIB = False


def entry(name, ns, threads=1, aggregate=None, reps=1, **counters):
    """One Google Benchmark JSON entry taking |ns| per iteration."""
    e = {"name": name + (f"_{aggregate}" if aggregate else ""), "run_name": name,
         "run_type": "aggregate" if aggregate else "iteration", "repetitions": reps,
         "threads": threads, "iterations": reps if aggregate else 1000,
         "real_time": ns / threads, "cpu_time": ns, "time_unit": "ns",
         "items_per_second": 1e9 / ns}
    if aggregate:
        e["aggregate_name"] = aggregate
    e.update(counters)
    return e


def repeated(name, ns, threads=1, **counters):
    """What --benchmark_report_aggregates_only=true prints for 3 repetitions:
    mean, median and stddev (the median is what the tool must use; the mean
    is set off by 50% so using it would show)."""
    return [entry(name, ns * 1.5, threads, "mean", 3, **counters),
            entry(name, ns, threads, "median", 3, **counters),
            dict(entry(name, ns * 0.01, threads, "stddev", 3, **counters))]


def gb_file(executable, allocator, benchmarks):
    return {"context": {"date": "2026-11-28T10:00:00+00:00", "host_name": "testhost",
                        "executable": executable, "num_cpus": 2, "mhz_per_cpu": 2100,
                        "library_build_type": "release", "allocator": allocator,
                        "load_avg": [0.1, 0.2, 0.3]},
            "benchmarks": benchmarks}


def jve_benchmarks(hs256_ns=1250.0):
    b = []
    b += repeated("BM_Verify/HS256", hs256_ns, allocs_per_token=0.0)
    b += repeated("BM_Primitive/HS256", 500.0)
    # Two threads: tokens_per_s_wall is the wall-clock rate of both together.
    b += repeated("BM_Verify/HS256/threads:2", 1300.0, threads=2, allocs_per_token=0.0,
                  tokens_per_s_wall=1_500_000.0)
    b += repeated("BM_Verify/HS256/rotating", 1600.0, allocs_per_token=0.0)
    b += repeated("BM_Verify/RS256", 20_000.0, allocs_per_token=0.0)
    b += repeated("BM_Primitive/RS256", 19_600.0)
    b += repeated("BM_Verify/EdDSA", 50_000.0, allocs_per_token=2.0)
    b += repeated("BM_Primitive/EdDSA", 45_000.0)
    b += repeated("BM_Reject/junk", 25.0)
    return b


def results_file(jve=None, peers=None, sysmalloc=None):
    """A results file as `run` writes it."""
    runs = []
    for binary, doc in (("jve_bench", jve), ("jve_bench_sysmalloc", sysmalloc),
                        ("jve_bench_peers", peers)):
        if doc:
            runs.append({"binary": binary, "path": f"build/bench/{binary}",
                         "command": [f"build/bench/{binary}", "--benchmark_repetitions=3"],
                         "context": doc["context"], "benchmarks": doc["benchmarks"]})
    return {"format": "jve-bench-report/1",
            "tool_command": "tools/bench-report run --repetitions 3",
            "started": "2026-11-28T10:00:00+00:00", "duration_s": 600.0,
            "machine": {"hostname": "testhost", "cpu_model": "Test CPU", "cpus": 2, "sockets": 1,
                        "cores_per_socket": 2, "threads_per_core": 1,
                        "flags": ["avx2", "sha_ni"], "kernel": "6.1.0", "os": "Debian 12"},
            "build": {"build_type": "Release",
                      "compiler": {"id": "GNU", "version": "12.2.0", "path": "/usr/bin/c++",
                                   "flags": "-O3 -DNDEBUG"},
                      "boringssl": {"revision": "13.0.0+r24", "description": "13.0.0+r24 (test)"},
                      "benchmark_library": "Debian libbenchmark-dev 1.7.1-1"},
            "git": {"commit": "0123456789abcdef0123456789abcdef01234567", "dirty": False},
            "runs": runs}


def peers_doc():
    return gb_file("build/bench/peers/jve_bench_peers", "mimalloc",
                   repeated("BM_Peer/libjwt/HS256", 12_500.0)
                   + repeated("BM_Peer/cpp-jwt/HS256", 16_000.0)
                   + repeated("BM_Peer/libjwt/RS256", 400_000.0))


def sysmalloc_doc():
    return gb_file("build/bench/jve_bench_sysmalloc", "system",
                   repeated("BM_Verify/RS256", 25_000.0, allocs_per_token=0.0)
                   + repeated("BM_Primitive/RS256", 24_500.0))


MD = textwrap.dedent("""\
    # Benchmarks

    Intro written by hand.

    ## Hand-written section

    | keep | me |
    | --- | --- |
    | 1 | 2 |
    """)


class Tool:
    """Runs the tool with this interpreter (so matplotlib is the same)."""

    @staticmethod
    def run(*args, cwd=None):
        return subprocess.run([sys.executable, str(TOOL), *map(str, args)], capture_output=True,
                              text=True, cwd=cwd)


class TempDirTest(unittest.TestCase):
    def setUp(self):
        self._tmp = tempfile.TemporaryDirectory(prefix="bench-report-test-")
        self.dir = Path(self._tmp.name)

    def tearDown(self):
        self._tmp.cleanup()

    def write_json(self, name, doc):
        p = self.dir / name
        p.write_text(json.dumps(doc))
        return p


def region(text):
    m = re.search(r"<!-- bench-report:begin -->.*<!-- bench-report:end -->\n", text, re.S)
    return m.group(0) if m else None


class TablesTest(TempDirTest):
    def make(self):
        res = self.write_json("r.json", results_file(
            gb_file("build/bench/jve_bench", "mimalloc", jve_benchmarks()), peers_doc(),
            sysmalloc_doc()))
        md = self.dir / "BENCHMARKS.md"
        md.write_text(MD)
        p = Tool.run("tables", res, "--md", md)
        self.assertEqual(p.returncode, 0, p.stderr)
        return res, md, md.read_text()

    def test_inserts_region_before_first_section_and_keeps_the_rest(self):
        _, _, text = self.make()
        r = region(text)
        self.assertIsNotNone(r)
        self.assertTrue(text.startswith("# Benchmarks\n\nIntro written by hand.\n\n<!-- bench-report:begin -->"))
        self.assertEqual(text.replace(r, "").replace("\n\n\n", "\n\n"), MD)

    def test_regenerating_replaces_only_the_region(self):
        res, md, first = self.make()
        md.write_text(first + "\n## Added later\n\ntext\n")
        p = Tool.run("tables", res, "--md", md)
        self.assertEqual(p.returncode, 0, p.stderr)
        self.assertEqual(md.read_text(), first + "\n## Added later\n\ntext\n")

    def test_tables_use_medians_and_ratios(self):
        _, _, text = self.make()
        r = region(text)
        # jve 800,000 (median, not the mean), ceiling 2,000,000, libjwt 80,000,
        # cpp-jwt 62,500, no allocations.
        self.assertIn("| HS256 | 800,000 | 2,000,000 | 40.0% | 80,000 | 10.00x | 62,500 | 12.80x | 0 |", r)
        self.assertIn("| RS256 | 50,000 | 51,020 | 98.0% | 2,500 | 20.00x | – | – | 0 |", r)
        self.assertIn("| EdDSA | 20,000 | 22,222 | 90.0% | – | – | – | – | 2 |", r)
        # Thread scaling on wall-clock rates: 1 / real_time for one thread.
        self.assertIn("| HS256 | 800,000 | 1,500,000 | 1.88x |", r)
        # mimalloc (jve_bench) against the system allocator (jve_bench_sysmalloc).
        self.assertIn("| RS256 | 50,000 | 40,000 | 1.25x | 51,020 | 40,816 | 1.25x |", r)
        self.assertIn("| HS256 | 800,000 | 625,000 | 0.78x |", r)  # rotating / plain
        self.assertIn("Test CPU", r)
        self.assertIn("13.0.0+r24", r)
        self.assertIn("GNU 12.2.0", r)
        self.assertIn("0123456789ab", r)
        self.assertIn("    build/bench/jve_bench --benchmark_repetitions=3", r)

    def test_targets(self):
        _, _, text = self.make()
        r = region(text)
        self.assertIn("| jve / ceiling | HS256 | 40.0% | ≥ 60% | not met |", r)
        self.assertIn("| jve / ceiling | RS256 | 98.0% | ≥ 95% | met |", r)
        self.assertIn("| jve / ceiling | EdDSA | 90.0% | ≥ 95% | not met |", r)
        self.assertIn("| jve / ceiling | PS256 | – | ≥ 95% | not measured |", r)
        # The best of the peers is libjwt for HS256 (80,000 > 62,500).
        self.assertIn("| jve / best peer (libjwt) | HS256 | 10.00x | ≥ 12x | not met |", r)
        self.assertIn("| jve / best peer (libjwt) | RS256 | 20.00x | ≥ 2x | met |", r)
        self.assertIn("| threads:2 / 1 thread (wall) | HS256 | 1.88x | ≥ 1.8x | met |", r)
        self.assertIn("| threads:2 / 1 thread (wall) | RS256 | – | ≥ 1.8x | not measured |", r)
        self.assertIn("| allocs_per_token | HS256 | 0 | 0 | met |", r)
        self.assertIn("| allocs_per_token | EdDSA | 2 | 0 | not met |", r)

    def test_raw_google_benchmark_file(self):
        res = self.write_json("raw.json", gb_file("build/bench/jve_bench", "mimalloc", jve_benchmarks()))
        md = self.dir / "B.md"
        md.write_text(MD)
        p = Tool.run("tables", res, "--md", md)
        self.assertEqual(p.returncode, 0, p.stderr)
        self.assertIn("| HS256 | 800,000 | 2,000,000 | 40.0% | 0 |", md.read_text())

    def test_single_runs_and_repetitions_without_aggregates(self):
        b = [entry("BM_Verify/HS256", 1000.0, allocs_per_token=0.0),
             entry("BM_Primitive/HS256", 400.0), entry("BM_Primitive/HS256", 500.0),
             entry("BM_Primitive/HS256", 900.0)]
        res = self.write_json("single.json", gb_file("jve_bench", "system", b))
        md = self.dir / "B.md"
        p = Tool.run("tables", res, "--md", md)
        self.assertEqual(p.returncode, 0, p.stderr)
        self.assertIn("| HS256 | 1,000,000 | 2,000,000 | 50.0% | 0 |", md.read_text())

    def test_error_occurred_fails_loudly(self):
        b = jve_benchmarks()
        b.append({"name": "BM_Verify/ES256", "run_name": "BM_Verify/ES256", "run_type": "iteration",
                  "error_occurred": True, "error_message": "verify: bad_signature",
                  "iterations": 0, "real_time": 0, "cpu_time": 0, "time_unit": "ns"})
        res = self.write_json("err.json", gb_file("jve_bench", "mimalloc", b))
        md = self.dir / "B.md"
        md.write_text(MD)
        p = Tool.run("tables", res, "--md", md)
        self.assertNotEqual(p.returncode, 0)
        self.assertIn("BM_Verify/ES256: verify: bad_signature", p.stderr)
        self.assertEqual(md.read_text(), MD)  # untouched
        self.assertNotEqual(Tool.run("compare", res, res).returncode, 0)

    def test_unbalanced_markers_are_refused(self):
        res = self.write_json("r.json", gb_file("jve_bench", "mimalloc", jve_benchmarks()))
        md = self.dir / "B.md"
        md.write_text(MD + "<!-- bench-report:begin -->\n")
        p = Tool.run("tables", res, "--md", md)
        self.assertNotEqual(p.returncode, 0)
        self.assertIn("unbalanced", p.stderr)


class CompareTest(TempDirTest):
    def files(self, slower_a, slower_b, faster_c=10.0):
        """old and new raw files; A, B slower and C faster by those percents
        of time per token; D unchanged."""
        def doc(fa, fb, fc):
            return gb_file("build/bench/jve_bench", "mimalloc",
                           repeated("BM_A", 1000.0 * fa) + repeated("BM_B", 2000.0 * fb)
                           + repeated("BM_C", 3000.0 * fc) + repeated("BM_D", 4000.0))
        old = self.write_json("old.json", doc(1, 1, 1))
        new = self.write_json("new.json", doc(1 + slower_a / 100, 1 + slower_b / 100,
                                              1 - faster_c / 100))
        return old, new

    def test_six_percent_regression_fails_four_percent_does_not(self):
        old, new = self.files(6.0, 4.0)
        p = Tool.run("compare", old, new)
        self.assertEqual(p.returncode, 1, p.stdout + p.stderr)
        lines = [line for line in p.stdout.splitlines() if "BM_" in line]
        self.assertEqual(len(lines), 2, p.stdout)  # A (+6%) and C (-10%); not B (+4%), not D
        self.assertIn("BM_A", lines[0])  # the slower first
        self.assertIn("+6.0%", lines[0])
        self.assertIn("SLOWER", lines[0])
        self.assertIn("BM_C", lines[1])
        self.assertIn("-10.0%", lines[1])
        self.assertIn("REGRESSION", p.stdout)

    def test_four_percent_and_speedups_pass(self):
        old, new = self.files(4.0, 4.0)
        p = Tool.run("compare", old, new)
        self.assertEqual(p.returncode, 0, p.stdout + p.stderr)
        self.assertIn("BM_C", p.stdout)
        self.assertNotIn("BM_A", p.stdout)

    def test_threshold_option(self):
        old, new = self.files(6.0, 4.0)
        self.assertEqual(Tool.run("compare", old, new, "--threshold", "7").returncode, 0)
        self.assertEqual(Tool.run("compare", old, new, "--threshold", "3").returncode, 1)

    def test_results_file_against_raw_file(self):
        raw = self.write_json("raw.json", gb_file("build-x/bench/jve_bench", "mimalloc",
                                                  jve_benchmarks(hs256_ns=1250.0 * 1.06)))
        combined = self.write_json("c.json", results_file(
            gb_file("build/bench/jve_bench", "mimalloc", jve_benchmarks()), peers_doc()))
        p = Tool.run("compare", combined, raw)
        self.assertEqual(p.returncode, 1, p.stdout + p.stderr)
        self.assertRegex(p.stdout, r"\+6\.0%\s+jve_bench BM_Verify/HS256 ")

    def test_nothing_in_common_is_an_error(self):
        a = self.write_json("a.json", gb_file("jve_bench", "mimalloc", repeated("BM_A", 1.0)))
        b = self.write_json("b.json", gb_file("jve_bench", "mimalloc", repeated("BM_B", 1.0)))
        self.assertEqual(Tool.run("compare", a, b).returncode, 2)


@unittest.skipUnless(HAVE_MATPLOTLIB, "matplotlib is not installed for this interpreter")
class ChartTest(TempDirTest):
    def test_svg_with_every_series(self):
        res = self.write_json("r.json", results_file(
            gb_file("build/bench/jve_bench", "mimalloc", jve_benchmarks()), peers_doc()))
        out = self.dir / "c.svg"
        p = Tool.run("chart", res, "-o", out)
        self.assertEqual(p.returncode, 0, p.stderr)
        svg = out.read_text()
        self.assertIn("<svg", svg)
        for text in ("HS256", "RS256", "EdDSA", "libjwt", "cpp-jwt", "ceiling"):
            self.assertIn(text, svg)
        # Same input, same bytes: charts can be committed next to the results.
        p = Tool.run("chart", res, "-o", self.dir / "d.svg")
        self.assertEqual(svg, (self.dir / "d.svg").read_text())


# A stand-in for a Google Benchmark 1.7 executable: --benchmark_list_tests,
# --benchmark_filter (std::regex search), --benchmark_out. Benchmarks named in
# FAKE_GB_ERRORS report error_occurred on their second repetition.
FAKE_GB = r'''#!{python}
import json, os, re, sys
NAMES = {names!r}
ALLOCATOR = {allocator!r}
args = dict(a[2:].split("=", 1) if "=" in a else (a[2:], "true") for a in sys.argv[1:])
if "benchmark_min_time" in args and args["benchmark_min_time"].endswith("s"):
    sys.exit("unrecognized command-line flag: --benchmark_min_time=" + args["benchmark_min_time"])
names = [n for n in NAMES if re.search(args.get("benchmark_filter", "."), n)]
if args.get("benchmark_list_tests") == "true":
    print("\n".join(names))
    sys.exit(0)
reps = int(args.get("benchmark_repetitions", "1"))
errors = os.environ.get("FAKE_GB_ERRORS", "").split(",")
out = []
for i, n in enumerate(names):
    runs = []
    for r in range(reps):
        e = {{"name": n, "run_name": n, "run_type": "iteration", "repetitions": reps,
              "repetition_index": r, "threads": 1, "iterations": 100,
              "real_time": 1000.0 * (i + 1), "cpu_time": 1000.0 * (i + 1), "time_unit": "ns",
              "items_per_second": 1e6 / (i + 1)}}
        if n in errors and r == 1:
            e.update(error_occurred=True, error_message="verify failed inside the loop")
        runs.append(e)
    out += runs
    ok = [e for e in runs if not e.get("error_occurred")]
    if reps > 1 and len(ok) > 1:
        for agg in ("mean", "median"):
            a = dict(ok[0], name=n + "_" + agg, run_type="aggregate", aggregate_name=agg)
            a.pop("repetition_index")
            out.append(a)
doc = {{"context": {{"executable": sys.argv[0], "host_name": "fake", "allocator": ALLOCATOR,
                    "load_avg": [0.5, 0.5, 0.5], "library_build_type": "release"}},
        "benchmarks": out}}
with open(args["benchmark_out"], "w") as f:
    json.dump(doc, f)
'''


class RunTest(TempDirTest):
    JVE_NAMES = ["BM_Verify/HS256", "BM_Primitive/HS256", "BM_Verify/RS256", "BM_Primitive/RS256",
                 "BM_Verify/RS256/threads:2", "BM_Reject/junk"]

    def setUp(self):
        super().setUp()
        build = self.dir / "build"
        (build / "bench" / "peers").mkdir(parents=True)
        (build / "CMakeCache.txt").write_text(
            "CMAKE_BUILD_TYPE:STRING=Release\nCMAKE_CXX_COMPILER:FILEPATH=/usr/bin/c++\n"
            "JVE_BENCH_MIMALLOC:BOOL=ON\nJVE_BORINGSSL_ROOT:PATH=\n")
        for path, names, allocator in (
                ("bench/jve_bench", self.JVE_NAMES, "mimalloc"),
                ("bench/jve_bench_sysmalloc", self.JVE_NAMES, "system"),
                ("bench/peers/jve_bench_peers", ["BM_Peer/libjwt/HS256", "BM_Peer/libjwt/RS256"],
                 "mimalloc")):
            f = build / path
            f.write_text(FAKE_GB.format(python=sys.executable, names=names, allocator=allocator))
            f.chmod(0o755)
        self.build = build
        self.results = self.dir / "results"
        self.md = self.dir / "BENCHMARKS.md"
        self.md.write_text(MD)

    def run_tool(self, *extra, env=None, repetitions=2):
        args = [sys.executable, str(TOOL), "run", "--build-dir", str(self.build),
                "--repetitions", str(repetitions),
                "--min-time", "0.01s", "--results-dir", str(self.results), "--md", str(self.md), *extra]
        if not HAVE_MATPLOTLIB:
            args.append("--no-tables")
        return subprocess.run(args, capture_output=True, text=True, env={**os.environ, **(env or {})})

    def test_run_stores_results_and_writes_tables(self):
        p = self.run_tool()
        self.assertEqual(p.returncode, 0, p.stderr)
        files = sorted(self.results.glob("*.json"))
        self.assertEqual(len(files), 1)
        self.assertRegex(files[0].name, r"^\d{4}-\d\d-\d\d-[^/]+\.json$")
        doc = json.loads(files[0].read_text())
        runs = {r["binary"]: r for r in doc["runs"]}
        self.assertEqual(set(runs), {"jve_bench", "jve_bench_sysmalloc", "jve_bench_peers"})
        # jve_bench_sysmalloc runs the RS/PS/ES verifies and primitives only.
        sys_names = {e["run_name"] for e in runs["jve_bench_sysmalloc"]["benchmarks"]}
        self.assertEqual(sys_names, {"BM_Verify/RS256", "BM_Primitive/RS256", "BM_Verify/RS256/threads:2"})
        cmd = runs["jve_bench"]["command"]
        self.assertIn("--benchmark_repetitions=2", cmd)
        self.assertIn("--benchmark_min_time=0.01", cmd)  # the 1.7 spelling, after the probe
        self.assertFalse([a for a in cmd if a.startswith("--benchmark_filter")])
        self.assertIn(r"--benchmark_filter=^BM_(Verify|Primitive)/(RS|PS|ES)[0-9]+(/|$)",
                      runs["jve_bench_sysmalloc"]["command"])
        # Aggregates are kept, single repetitions are not.
        kinds = {e["run_type"] for e in runs["jve_bench"]["benchmarks"]}
        self.assertEqual(kinds, {"aggregate"})
        self.assertIn("cpu_model", doc["machine"])
        self.assertEqual(doc["build"]["build_type"], "Release")
        if HAVE_MATPLOTLIB:
            self.assertIn("<!-- bench-report:begin -->", self.md.read_text())
            self.assertTrue(files[0].with_suffix(".svg").exists())
        # A second run the same day gets its own file.
        p = self.run_tool("--no-tables")
        self.assertEqual(p.returncode, 0, p.stderr)
        self.assertEqual(len(list(self.results.glob("*.json"))), 2)
        self.assertEqual(len(list(self.results.glob("*-2.json"))), 1)

    def test_filter_is_applied_to_every_executable(self):
        p = self.run_tool("--filter", "HS256", "--no-tables")
        self.assertEqual(p.returncode, 0, p.stderr)
        doc = json.loads(next(self.results.glob("*.json")).read_text())
        names = {(r["binary"], e["run_name"]) for r in doc["runs"] for e in r["benchmarks"]}
        self.assertEqual(names, {("jve_bench", "BM_Verify/HS256"), ("jve_bench", "BM_Primitive/HS256"),
                                 ("jve_bench_peers", "BM_Peer/libjwt/HS256")})

    def test_error_in_one_repetition_fails_the_run(self):
        # Three repetitions, one failing: Google Benchmark still prints a median
        # of the other two, and --benchmark_report_aggregates_only would hide
        # the failure.
        p = self.run_tool(env={"FAKE_GB_ERRORS": "BM_Verify/RS256"}, repetitions=3)
        self.assertNotEqual(p.returncode, 0)
        self.assertIn("BM_Verify/RS256: verify failed inside the loop", p.stderr)
        self.assertEqual(self.md.read_text(), MD)
        self.assertEqual([f.name.endswith(".failed.json") for f in self.results.glob("*.json")], [True])

    def test_missing_sysmalloc_executable_is_an_error(self):
        (self.build / "bench" / "jve_bench_sysmalloc").unlink()
        p = self.run_tool()
        self.assertEqual(p.returncode, 2)
        self.assertIn("jve_bench_sysmalloc", p.stderr)


if __name__ == "__main__":
    unittest.main()
