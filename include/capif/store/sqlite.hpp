#pragma once
// A small SQLite wrapper: one connection, WAL with durable (fsync'd) commits, versioned migrations.
#include <sqlite3.h>

#include <cstdint>
#include <filesystem>
#include <functional>
#include <mutex>
#include <optional>
#include <stdexcept>
#include <string>
#include <variant>
#include <vector>

namespace capif::store {

class StoreError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

using Value = std::variant<std::nullptr_t, std::int64_t, std::string>;

class Statement {
 public:
  Statement(sqlite3* db, const std::string& sql);
  ~Statement();
  Statement(const Statement&) = delete;
  Statement& operator=(const Statement&) = delete;

  Statement& bind(int index, const Value& v);  // 1-based
  bool step();                                 // true while a row is available
  void run();                                  // step to completion
  std::string text(int col) const;
  std::int64_t integer(int col) const;
  bool is_null(int col) const;

 private:
  sqlite3* db_;
  sqlite3_stmt* stmt_ = nullptr;
};

class Database {
 public:
  // Opens (creating) the file and applies each migration whose index >= the stored schema version.
  Database(const std::filesystem::path& file, const std::vector<std::string>& migrations);
  ~Database();
  Database(const Database&) = delete;
  Database& operator=(const Database&) = delete;

  // Runs fn inside BEGIN IMMEDIATE ... COMMIT; rolls back if fn throws. Serialised by a mutex.
  void transaction(const std::function<void(Database&)>& fn);
  void exec(const std::string& sql, const std::vector<Value>& params = {});
  // Calls row(stmt) for each result row.
  void query(const std::string& sql, const std::vector<Value>& params,
             const std::function<void(const Statement&)>& row);
  int schema_version();

 private:
  sqlite3* db_ = nullptr;
  std::recursive_mutex mutex_;
};

}  // namespace capif::store
