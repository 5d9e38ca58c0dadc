#include "capif/store/sqlite.hpp"

namespace capif::store {
namespace {
[[noreturn]] void fail(sqlite3* db, const std::string& what) {
  throw StoreError(what + ": " + (db ? sqlite3_errmsg(db) : "out of memory"));
}
}  // namespace

Statement::Statement(sqlite3* db, const std::string& sql) : db_(db) {
  if (sqlite3_prepare_v2(db, sql.c_str(), static_cast<int>(sql.size()), &stmt_, nullptr) != SQLITE_OK)
    fail(db, "prepare '" + sql + "'");
}

Statement::~Statement() {
  sqlite3_finalize(stmt_);
}

Statement& Statement::bind(int index, const Value& v) {
  int rc = SQLITE_OK;
  if (std::holds_alternative<std::nullptr_t>(v))
    rc = sqlite3_bind_null(stmt_, index);
  else if (auto* i = std::get_if<std::int64_t>(&v))
    rc = sqlite3_bind_int64(stmt_, index, *i);
  else {
    const auto& s = std::get<std::string>(v);
    rc = sqlite3_bind_text(stmt_, index, s.data(), static_cast<int>(s.size()), SQLITE_TRANSIENT);
  }
  if (rc != SQLITE_OK) fail(db_, "bind");
  return *this;
}

bool Statement::step() {
  int rc = sqlite3_step(stmt_);
  if (rc == SQLITE_ROW) return true;
  if (rc == SQLITE_DONE) return false;
  fail(db_, "step");
}

void Statement::run() {
  while (step()) {
  }
}

std::string Statement::text(int col) const {
  auto* p = reinterpret_cast<const char*>(sqlite3_column_text(stmt_, col));
  return p ? std::string(p, static_cast<std::size_t>(sqlite3_column_bytes(stmt_, col))) : std::string();
}

std::int64_t Statement::integer(int col) const {
  return sqlite3_column_int64(stmt_, col);
}
bool Statement::is_null(int col) const {
  return sqlite3_column_type(stmt_, col) == SQLITE_NULL;
}

Database::Database(const std::filesystem::path& file, const std::vector<std::string>& migrations) {
  if (sqlite3_open_v2(file.c_str(), &db_, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_FULLMUTEX,
                      nullptr) != SQLITE_OK) {
    std::string msg = "open " + file.string();
    sqlite3_close(db_);
    db_ = nullptr;
    throw StoreError(msg);
  }
  sqlite3_busy_timeout(db_, 5000);
  // WAL + synchronous=FULL: a commit is on disk before we acknowledge it, and survives kill -9 and power
  // loss.
  exec("PRAGMA journal_mode=WAL");
  exec("PRAGMA synchronous=FULL");
  exec("PRAGMA foreign_keys=ON");
  exec("CREATE TABLE IF NOT EXISTS schema_version(version INTEGER NOT NULL)");
  int version = schema_version();
  if (version > static_cast<int>(migrations.size()))
    throw StoreError(file.string() + " has schema version " + std::to_string(version) +
                     ", newer than this program knows (" + std::to_string(migrations.size()) + ")");
  for (std::size_t i = static_cast<std::size_t>(version); i < migrations.size(); ++i) {
    transaction([&](Database& db) {
      if (sqlite3_exec(db_, migrations[i].c_str(), nullptr, nullptr, nullptr) != SQLITE_OK)
        fail(db_, "migration " + std::to_string(i + 1));
      db.exec("DELETE FROM schema_version");
      db.exec("INSERT INTO schema_version(version) VALUES (?)", {static_cast<std::int64_t>(i + 1)});
    });
  }
}

Database::~Database() {
  sqlite3_close(db_);
}

int Database::schema_version() {
  int v = 0;
  query("SELECT version FROM schema_version", {},
        [&](const Statement& s) { v = static_cast<int>(s.integer(0)); });
  return v;
}

void Database::transaction(const std::function<void(Database&)>& fn) {
  std::lock_guard lock(mutex_);
  exec("BEGIN IMMEDIATE");
  try {
    fn(*this);
    exec("COMMIT");
  } catch (...) {
    sqlite3_exec(db_, "ROLLBACK", nullptr, nullptr, nullptr);
    throw;
  }
}

void Database::exec(const std::string& sql, const std::vector<Value>& params) {
  std::lock_guard lock(mutex_);
  Statement s(db_, sql);
  for (std::size_t i = 0; i < params.size(); ++i) s.bind(static_cast<int>(i + 1), params[i]);
  s.run();
}

void Database::query(const std::string& sql, const std::vector<Value>& params,
                     const std::function<void(const Statement&)>& row) {
  std::lock_guard lock(mutex_);
  Statement s(db_, sql);
  for (std::size_t i = 0; i < params.size(); ++i) s.bind(static_cast<int>(i + 1), params[i]);
  while (s.step()) row(s);
}

}  // namespace capif::store
