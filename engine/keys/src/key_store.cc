// KeyStore: snapshot publication with reader counters (detail::ReaderGate,
// jve/reader_gate.h) instead of locks.
#include "jve/key_store.h"

namespace jve {

using detail::KeySnapshot;

namespace {

std::shared_ptr<const KeySet> or_empty(std::shared_ptr<const KeySet> keys) {
  return keys ? std::move(keys) : std::make_shared<const KeySet>();
}

}  // namespace

KeyStore::KeyStore(std::shared_ptr<const KeySet> initial)
    : current_(new KeySnapshot{or_empty(std::move(initial))}) {}

KeyStore::~KeyStore() { delete current_.load(); }

KeyStore::Reader::Reader(const KeyStore& store) noexcept {
  ticket_ = store.gate_.enter();
  snapshot_ = store.current_.load(std::memory_order_seq_cst);
}

KeyStore::Reader::~Reader() { detail::ReaderGate::leave(ticket_); }

std::shared_ptr<const KeySet> KeyStore::snapshot() const {
  Reader reader(*this);
  return reader.snapshot_->keys;
}

void KeyStore::replace(std::shared_ptr<const KeySet> next) {
  auto fresh = std::make_unique<KeySnapshot>(KeySnapshot{or_empty(std::move(next))});
  std::lock_guard<std::mutex> lock(writers_);
  const KeySnapshot* old = current_.exchange(fresh.release(), std::memory_order_seq_cst);
  version_.fetch_add(1, std::memory_order_release);
  if (gate_.wait_for_readers()) {
    delete old;
  } else {
    detail::ReaderGate::keep_forever(std::shared_ptr<const KeySnapshot>(old));
  }
}

void KeyStore::set_unknown_kid_listener(std::function<void(std::string_view)> listener) {
  unknown_kid_listener_ = std::move(listener);
}

void KeyStore::notify_unknown_kid(std::string_view kid) const noexcept {
  if (!unknown_kid_listener_) return;
  try {
    unknown_kid_listener_(kid);
  } catch (...) {  // a listener's failure must not reach the verify path
  }
}

}  // namespace jve
