#include "capif/crypto/files.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <system_error>

namespace capif::crypto {
namespace {

[[noreturn]] void fail(const std::string& what, const std::filesystem::path& p, int err) {
  throw std::system_error(err, std::generic_category(), what + " " + p.string());
}

// Closes the descriptor and removes the temp file unless released (i.e. the rename succeeded).
struct TempFile {
  int fd = -1;
  std::string path;
  bool keep = false;
  ~TempFile() {
    if (fd >= 0) ::close(fd);
    if (!keep && !path.empty()) ::unlink(path.c_str());
  }
};

}  // namespace

void write_file_atomic(const std::filesystem::path& path, const std::string& data, bool secret) {
  std::filesystem::path dir = path.parent_path();
  if (dir.empty()) dir = ".";
  TempFile tmp;
  std::string templ = (dir / ("." + path.filename().string() + ".tmp.XXXXXX")).string();
  // mkostemp creates the file 0600, so a secret is never readable by others, not even briefly.
  tmp.fd = ::mkostemp(templ.data(), O_CLOEXEC);
  if (tmp.fd < 0) fail("cannot create temporary file for", path, errno);
  tmp.path = templ;
  if (::fchmod(tmp.fd, secret ? 0600 : 0644) != 0) fail("cannot chmod temporary file for", path, errno);

  const char* p = data.data();
  std::size_t left = data.size();
  while (left > 0) {
    ssize_t n = ::write(tmp.fd, p, left);
    if (n < 0) {
      if (errno == EINTR) continue;
      fail("cannot write", path, errno);
    }
    p += n;
    left -= static_cast<std::size_t>(n);
  }
  if (::fsync(tmp.fd) != 0) fail("cannot fsync", path, errno);
  int fd = tmp.fd;
  tmp.fd = -1;
  if (::close(fd) != 0) fail("cannot close", path, errno);
  if (::rename(tmp.path.c_str(), path.c_str()) != 0) fail("cannot rename temporary file to", path, errno);
  tmp.keep = true;

  // The rename is only durable once the directory entry is flushed.
  int dfd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (dfd < 0) fail("cannot open folder of", path, errno);
  int rc = ::fsync(dfd);
  int err = errno;
  ::close(dfd);
  if (rc != 0) fail("cannot fsync folder of", path, err);
}

std::string read_file(const std::filesystem::path& path) {
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) fail("cannot open", path, errno);
  std::string out;
  char buf[65536];
  for (;;) {
    ssize_t n = ::read(fd, buf, sizeof buf);
    if (n < 0) {
      if (errno == EINTR) continue;
      int err = errno;
      ::close(fd);
      fail("cannot read", path, err);
    }
    if (n == 0) break;
    out.append(buf, static_cast<std::size_t>(n));
  }
  ::close(fd);
  return out;
}

}  // namespace capif::crypto
