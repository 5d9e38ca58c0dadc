#pragma once
// Durable file writes for keys, certificates and state. Errors are std::system_error naming the path.
#include <filesystem>
#include <string>

namespace capif::crypto {

// Writes a temp file in the same folder, fsyncs it, renames it over path and fsyncs the folder, so readers
// see the old or the new content, never a torn file. Mode 0600 when secret, else 0644 (umask ignored).
void write_file_atomic(const std::filesystem::path& path, const std::string& data, bool secret);

std::string read_file(const std::filesystem::path& path);

}  // namespace capif::crypto
