// cli_util.h: runs the built `jve` binary (JVE_CLI) for the tests of its
// subcommands (tests/cli_*_test.cc): a temp dir per test, files in it, and
// the exit code, standard output and standard error of each run.
#pragma once

#include <sys/wait.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>
#include <vector>

#include <gtest/gtest.h>

namespace jve::cli_test {

struct CliResult {
  int exit = -1;
  std::string out, err;
};

inline std::string shell_quote(const std::string& s) {
  std::string out = "'";
  for (char c : s) {
    if (c == '\'') out += "'\\''";
    else out += c;
  }
  return out + "'";
}

inline std::string slurp(const std::string& path) {
  std::ifstream f(path, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(f), std::istreambuf_iterator<char>());
}

inline int exit_code(int status) {
  if (status == -1) return -1;
  return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

class CliFixture : public ::testing::Test {
 protected:
  void SetUp() override {
    char tmpl[] = "/tmp/jve_cli_XXXXXX";
    ASSERT_NE(mkdtemp(tmpl), nullptr);
    dir_ = tmpl;
  }
  void TearDown() override {
    std::error_code ec;
    std::filesystem::remove_all(dir_, ec);
  }

  // file writes |content| to |name| in the temp dir and returns its path.
  std::string file(const std::string& name, const std::string& content) {
    const std::string path = dir_ + "/" + name;
    std::ofstream f(path, std::ios::binary);
    f << content;
    EXPECT_TRUE(f.good()) << path;
    return path;
  }
  std::string path(const std::string& name) const { return dir_ + "/" + name; }

  // jve runs `jve ARGS...` with |stdin_data| on standard input.
  CliResult jve(const std::vector<std::string>& args, const std::string& stdin_data = "") {
    const std::string n = std::to_string(runs_++);
    const std::string in = file("stdin_" + n, stdin_data);
    const std::string out = path("stdout_" + n), err = path("stderr_" + n);
    std::string cmd = shell_quote(JVE_CLI);
    // Appended piece by piece: GCC 12 warns (-Wrestrict, a false positive)
    // about "literal" + std::string&&.
    for (const std::string& a : args) {
      cmd += ' ';
      cmd += shell_quote(a);
    }
    for (const auto& [redirect, target] : {std::pair{" <", &in}, {" >", &out}, {" 2>", &err}}) {
      cmd += redirect;
      cmd += shell_quote(*target);
    }
    CliResult r;
    r.exit = exit_code(std::system(cmd.c_str()));
    r.out = slurp(out);
    r.err = slurp(err);
    return r;
  }

  // ok_out runs jve, expects exit 0 and returns standard output without its
  // last newline.
  std::string ok_out(const std::vector<std::string>& args, const std::string& stdin_data = "") {
    CliResult r = jve(args, stdin_data);
    EXPECT_EQ(r.exit, 0) << r.err;
    if (!r.out.empty() && r.out.back() == '\n') r.out.pop_back();
    return r.out;
  }

  std::string dir_;
  int runs_ = 0;
};

inline bool contains(const std::string& haystack, const std::string& needle) {
  return haystack.find(needle) != std::string::npos;
}

}  // namespace jve::cli_test
