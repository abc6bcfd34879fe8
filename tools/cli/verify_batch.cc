// verify_batch.cc: see verify_batch.h.
//
// The input is read in batches of kBatchLines lines. A batch is cut into
// chunks of kChunkLines; the threads (the main one included) take chunks
// from an atomic counter, and each chunk writes its JSON lines into its own
// buffer, so the buffers concatenated in chunk order give the output in input
// order without sorting. A thread verifies its chunk Verifier::kBatchChunk
// tokens at a time with Verifier::verify_batch (HS256 tags are hashed
// together), with one Scratch per token slot that it keeps for the whole
// run, as the engine wants, so verifying allocates nothing per token; the
// output buffers keep their capacity from batch to batch.
#include "verify_batch.h"

#include <sys/stat.h>
#include <unistd.h>

#include <array>
#include <atomic>
#include <cerrno>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <span>
#include <string_view>
#include <thread>
#include <vector>

#include "common.h"
#include "jve/jve.hpp"

namespace jve::cli {
namespace {

using Clock = std::chrono::steady_clock;

constexpr size_t kBatchLines = 16384;
constexpr size_t kChunkLines = 256;
constexpr size_t kReadBytes = 1 << 20;
constexpr size_t kNumStatuses = static_cast<size_t>(Status::num_statuses);

struct Line {
  size_t number;  // 1-based line number in the input
  size_t offset;  // into the batch's text
  size_t len;
};

using Counts = std::array<uint64_t, kNumStatuses>;

// Tails of the invalid-token lines, built once:
// ,"valid":false,"error":"expired","message":"..."}\n
std::vector<std::string> invalid_tails() {
  std::vector<std::string> tails(kNumStatuses);
  for (size_t i = 0; i < kNumStatuses; ++i) {
    const auto s = static_cast<Status>(i);
    tails[i] = ",\"valid\":false,\"error\":" + json_string(to_string(s)) +
               ",\"message\":" + json_string(message(s)) + "}\n";
  }
  return tails;
}

void append_number(std::string& out, size_t n) {
  char buf[24];
  const int len = std::snprintf(buf, sizeof buf, "%zu", n);
  out.append(buf, static_cast<size_t>(len));
}

class Progress {
 public:
  Progress(bool enabled, uint64_t total_bytes) : enabled_(enabled), total_bytes_(total_bytes) {}

  void update(uint64_t tokens, uint64_t bytes, Clock::time_point start) {
    if (!enabled_) return;
    const Clock::time_point now = Clock::now();
    // Small inputs finish before the first half second and never show a bar.
    if (now - start < std::chrono::milliseconds(500) || now - last_ < std::chrono::milliseconds(100)) return;
    last_ = now;
    shown_ = true;
    const double secs = std::chrono::duration<double>(now - start).count();
    const double rate = static_cast<double>(tokens) / secs;
    if (total_bytes_ > 0) {
      const double frac = std::min(1.0, static_cast<double>(bytes) / static_cast<double>(total_bytes_));
      constexpr int kWidth = 30;
      const int filled = static_cast<int>(frac * kWidth);
      std::fprintf(stderr, "\r[%.*s%.*s] %3.0f%%  %llu tokens  %.0f tokens/s\033[K", filled,
                   "##############################", kWidth - filled, "..............................",
                   frac * 100, static_cast<unsigned long long>(tokens), rate);
    } else {
      std::fprintf(stderr, "\r%llu tokens  %.0f tokens/s\033[K", static_cast<unsigned long long>(tokens), rate);
    }
    std::fflush(stderr);
  }

  void clear() {
    if (shown_) std::fputs("\r\033[K", stderr);
  }

 private:
  bool enabled_;
  uint64_t total_bytes_;
  bool shown_ = false;
  Clock::time_point last_{};
};

}  // namespace

int run_verify_batch(const Verifier& verifier, const BatchOptions& options) {
  const bool is_stdin = options.path == "-";
  std::FILE* in = is_stdin ? stdin : std::fopen(options.path.c_str(), "rb");
  if (in == nullptr) {
    std::fprintf(stderr, "jve verify: cannot read tokens file '%s': %s\n", options.path.c_str(),
                 std::strerror(errno));
    return 2;
  }
  struct stat st {};
  uint64_t total_bytes = 0;
  if (::fstat(::fileno(in), &st) == 0) {
    if (S_ISDIR(st.st_mode)) {
      std::fprintf(stderr, "jve verify: cannot read tokens file '%s': %s\n", options.path.c_str(),
                   std::strerror(EISDIR));
      if (!is_stdin) std::fclose(in);
      return 2;
    }
    if (S_ISREG(st.st_mode)) total_bytes = static_cast<uint64_t>(st.st_size);
  }

  const size_t threads = static_cast<size_t>(options.threads);
  const std::vector<std::string> tails = invalid_tails();
  constexpr size_t kSlots = Verifier::kBatchChunk;  // tokens per verify_batch call
  std::vector<Scratch> scratches(threads * kSlots);
  std::vector<Claims> claims_slots(threads * kSlots);
  std::vector<Counts> counts(threads, Counts{});
  std::vector<std::string> chunk_out(kBatchLines / kChunkLines);
  std::vector<Line> lines;
  lines.reserve(kBatchLines);
  Progress progress(!options.quiet && ::isatty(STDERR_FILENO) == 1, total_bytes);

  std::string text;       // bytes read and not yet consumed
  size_t line_number = 0;
  uint64_t consumed_bytes = 0, tokens = 0;
  bool eof = false, read_error = false, write_error = false;
  const Clock::time_point start = Clock::now();

  while (!eof || !text.empty()) {
    // Cut the next batch: whole lines only, reading more as needed.
    lines.clear();
    size_t pos = 0, scan = 0;
    while (lines.size() < kBatchLines) {
      const size_t nl = text.find('\n', scan);
      size_t end;
      if (nl == std::string::npos) {
        if (!eof) {
          scan = text.size();
          const size_t old = text.size();
          text.resize(old + kReadBytes);
          const size_t n = std::fread(text.data() + old, 1, kReadBytes, in);
          text.resize(old + n);
          if (n == 0) {
            eof = true;
            read_error = std::ferror(in) != 0;
          }
          continue;
        }
        if (pos == text.size()) break;
        end = text.size();  // last line without a newline
      } else {
        end = nl;
      }
      ++line_number;
      size_t len = end - pos;
      if (len > 0 && text[pos + len - 1] == '\r') --len;
      if (len > 0) lines.push_back({line_number, pos, len});
      pos = end == text.size() ? end : end + 1;
      scan = pos;
    }
    if (read_error) break;

    // Verify the batch.
    const size_t chunks = (lines.size() + kChunkLines - 1) / kChunkLines;
    std::atomic<size_t> next_chunk{0};
    std::atomic<size_t> done_lines{0};
    auto work = [&](size_t t) {
      const std::span<Scratch> scratch(scratches.data() + t * kSlots, kSlots);
      const std::span<Claims> claims(claims_slots.data() + t * kSlots, kSlots);
      Counts& c = counts[t];
      std::array<std::string_view, kSlots> batch;
      std::array<Status, kSlots> statuses;
      for (size_t k; (k = next_chunk.fetch_add(1)) < chunks;) {
        std::string& out = chunk_out[k];
        out.clear();
        const size_t end = std::min(lines.size(), (k + 1) * kChunkLines);
        for (size_t first = k * kChunkLines; first < end; first += kSlots) {
          const size_t n = std::min(kSlots, end - first);
          for (size_t j = 0; j < n; ++j)
            batch[j] = std::string_view(text.data() + lines[first + j].offset, lines[first + j].len);
          verifier.verify_batch(std::span(batch.data(), n), scratch.first(n),
                                std::span(statuses.data(), n), claims.first(n));
          for (size_t j = 0; j < n; ++j) {
            Status s = statuses[j];
            // Authorization only on a genuine token, as for one token.
            Denial denial;
            for (size_t r = 0; s == Status::ok && r < options.requirements.size(); ++r)
              s = authorize(claims[j], options.requirements[r], {}, &denial);
            ++c[static_cast<size_t>(s)];
            out += "{\"line\":";
            append_number(out, lines[first + j].number);
            if (s == Status::insufficient_scope || s == Status::forbidden) {
              out += ",\"valid\":false,\"error\":\"";
              out += to_string(s);
              out += "\",\"message\":";
              out += json_string(denial.message);
              out += "}\n";
              continue;
            }
            if (s != Status::ok) {
              out += tails[static_cast<size_t>(s)];
              continue;
            }
            out += ",\"valid\":true,\"claims\":";
            const std::string_view json = claims[j].json();
            // One result per line: a payload signed with line breaks in it
            // (legal JSON whitespace) is minified first.
            if (json.find_first_of("\r\n") != std::string_view::npos) {
              out += json_minify(json);
            } else {
              out.append(json);
            }
            out += "}\n";
          }
        }
        // The main thread also draws the progress bar, so slow algorithms
        // (a batch of ES512 takes seconds) still move it.
        const size_t done = done_lines.fetch_add(end - k * kChunkLines) + (end - k * kChunkLines);
        if (t == 0) {
          const Line& last = lines[end - 1];
          progress.update(tokens + done, consumed_bytes + last.offset + last.len, start);
        }
      }
    };
    std::vector<std::thread> helpers;
    const size_t helper_count = std::min(threads, chunks) > 0 ? std::min(threads, chunks) - 1 : 0;
    for (size_t t = 1; t <= helper_count; ++t) helpers.emplace_back(work, t);
    work(0);
    for (std::thread& h : helpers) h.join();

    for (size_t k = 0; k < chunks; ++k) {
      if (std::fwrite(chunk_out[k].data(), 1, chunk_out[k].size(), stdout) != chunk_out[k].size()) {
        write_error = true;
      }
    }
    tokens += lines.size();
    consumed_bytes += pos;
    text.erase(0, pos);
    progress.update(tokens, consumed_bytes, start);
    if (write_error) break;
  }
  if (std::fflush(stdout) != 0) write_error = true;
  const double seconds = std::chrono::duration<double>(Clock::now() - start).count();
  if (!is_stdin) std::fclose(in);
  progress.clear();

  if (read_error) {
    std::fprintf(stderr, "jve verify: error reading tokens file '%s'\n", options.path.c_str());
    return 2;
  }
  if (write_error) {
    std::fprintf(stderr, "jve verify: cannot write the results: %s\n", std::strerror(errno));
    return 2;
  }

  Counts total{};
  for (const Counts& c : counts) {
    for (size_t i = 0; i < kNumStatuses; ++i) total[i] += c[i];
  }
  const uint64_t valid = total[static_cast<size_t>(Status::ok)];
  if (!options.quiet) {
    std::fprintf(stderr,
                 "jve verify: %llu token%s in %.3f s (%.0f tokens/s, %zu thread%s): %llu valid, %llu invalid\n",
                 static_cast<unsigned long long>(tokens), tokens == 1 ? "" : "s", seconds,
                 seconds > 0 ? static_cast<double>(tokens) / seconds : 0.0, threads,
                 threads == 1 ? "" : "s", static_cast<unsigned long long>(valid),
                 static_cast<unsigned long long>(tokens - valid));
    for (size_t i = 1; i < kNumStatuses; ++i) {
      if (total[i] == 0) continue;
      std::fprintf(stderr, "  %-20s %llu\n", std::string(to_string(static_cast<Status>(i))).c_str(),
                   static_cast<unsigned long long>(total[i]));
    }
  }
  return valid == tokens ? 0 : 1;
}

}  // namespace jve::cli
