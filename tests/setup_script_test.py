#!/usr/bin/python3
"""Static checks of the set-up scripts (issue 12 §4): a build folder that
`setup.sh demo` configured without tests must not make `setup.sh test` run
zero tests.

- Every configure of a jve build folder in tools/setup.sh goes through its
  configure() function, and every call of it states every option of
  jve_options (which must name the build type, both compilers and every
  JVE_BUILD_*/JVE_SANITIZE* option of CMakeLists.txt): CMake's cache would
  otherwise keep a value from the other mode.
- fuzz/build.sh's configure states them too.
- Every ctest call has --no-tests=error.
- .ci/run runs `setup.sh demo`, then `setup.sh test`, in that order.

Run by CTest (setup_script_test) or by hand: tests/setup_script_test.py -v
"""

import re
import unittest
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def commands(path):
    """The script's lines, comments dropped, continuation lines joined."""
    out, cur = [], ""
    for line in path.read_text().splitlines():
        if not cur and line.lstrip().startswith("#"):
            continue
        if line.endswith("\\"):
            cur += line[:-1] + " "
            continue
        out.append(cur + line)
        cur = ""
    return out


def cmake_options():
    """Every option() of the top-level CMakeLists.txt."""
    text = (ROOT / "CMakeLists.txt").read_text()
    return set(re.findall(r"^option\((JVE_\w+)", text, re.M))


SETUP = commands(ROOT / "tools" / "setup.sh")
# Options that do not change what a jve build folder builds or runs.
NOT_BUILD_SHAPING = {"JVE_INSTALL"}


class SetupScript(unittest.TestCase):
    def jve_options(self):
        text = " ".join(SETUP)
        m = re.search(r"jve_options=\(([^)]*)\)", text)
        self.assertIsNotNone(m, "setup.sh defines jve_options")
        return set(m.group(1).split())

    def test_jve_options_names_every_option(self):
        required = self.jve_options()
        for name in ["CMAKE_BUILD_TYPE", "CMAKE_C_COMPILER", "CMAKE_CXX_COMPILER"]:
            self.assertIn(name, required)
        missing = cmake_options() - NOT_BUILD_SHAPING - required
        self.assertFalse(missing, f"jve_options lacks {sorted(missing)}")

    def test_every_configure_states_every_option(self):
        required = self.jve_options()
        gcc = " ".join(l for l in SETUP if l.startswith("gcc_flags="))
        calls = [l for l in SETUP if re.match(r"\s*(configure|configure_and_build) [^\"]", l)]
        self.assertGreaterEqual(len(calls), 4, "demo, test, TSan and ASan configures")
        for call in calls:
            stated = set(re.findall(r"-D(\w+)=", call))
            if '"${gcc_flags[@]}"' in call:
                stated |= set(re.findall(r"-D(\w+)=", gcc))
            self.assertFalse(required - stated, f"{call.strip()}\n  lacks {sorted(required - stated)}")

    def test_no_configure_bypasses_the_function(self):
        # The only `cmake -S .` is configure()'s; the others configure the
        # examples copied to a fresh temporary folder ($pkg).
        direct = [l.strip() for l in SETUP if re.search(r"\bcmake -S ", l)]
        ours = [l for l in direct if l.startswith('cmake -S . -B "$dir"')]
        self.assertEqual(len(ours), 1, direct)
        for l in direct:
            if l not in ours:
                self.assertRegex(l, r'cmake -S "\$pkg/', "a configure outside configure()")

    def test_every_ctest_fails_on_no_tests(self):
        calls = [l for l in SETUP if re.search(r"\bctest\b", l)]
        self.assertGreaterEqual(len(calls), 3)
        for call in calls:
            self.assertIn("--no-tests=error", call, call.strip())

    def test_fuzz_build_states_every_option(self):
        lines = commands(ROOT / "fuzz" / "build.sh")
        configure = [l for l in lines if re.search(r"\bcmake -S ", l)]
        self.assertEqual(len(configure), 1)
        stated = set(re.findall(r"-D(\w+)=", configure[0]))
        required = self.jve_options() | {"JVE_BORINGSSL_ROOT", "JVE_FUZZ_ENGINE"}
        self.assertFalse(required - stated, f"fuzz/build.sh lacks {sorted(required - stated)}")


class CiRun(unittest.TestCase):
    def test_demo_then_test_in_one_clone(self):
        lines = [l.strip() for l in commands(ROOT / ".ci" / "run")]
        runs = [l for l in lines if l.startswith("bash tools/setup.sh")]
        self.assertEqual(runs, ["bash tools/setup.sh demo", "bash tools/setup.sh test"])
        self.assertNotIn("rm -rf build", " ".join(lines))


if __name__ == "__main__":
    unittest.main()
