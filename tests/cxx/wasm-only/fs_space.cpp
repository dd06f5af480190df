// fs_space (wasm only: Arca answers differently from Linux by design): no call reports a file
// system's capacity, so statvfs and fstatvfs fail with ENOSYS once their argument is checked
// (a missing path is ENOENT, a closed descriptor EBADF, as natively), and std::filesystem::space
// throws a filesystem_error carrying ENOSYS (its error_code overload returns it). Exit 0 when all hold.
#include <cerrno>
#include <cstdio>
#include <filesystem>
#include <sys/statvfs.h>
#include <system_error>

static int failures;

static void check(const char *what, bool ok) {
    std::printf("%-60s %s\n", what, ok ? "ok" : "FAILED");
    if (!ok) failures++;
}

int main() {
    struct statvfs sv;
    errno = 0;
    check("statvfs(\"/\"): ENOSYS", statvfs("/", &sv) == -1 && errno == ENOSYS);
    errno = 0;
    check("statvfs(\"/no/such/path\"): ENOENT", statvfs("/no/such/path", &sv) == -1 && errno == ENOENT);
    errno = 0;
    check("fstatvfs(closed descriptor): EBADF", fstatvfs(1234, &sv) == -1 && errno == EBADF);
    errno = 0;
    check("fstatvfs(stdout): ENOSYS", fstatvfs(1, &sv) == -1 && errno == ENOSYS);
    try {
        (void)std::filesystem::space("/");
        check("filesystem::space throws", false);
    } catch (const std::filesystem::filesystem_error &e) {
        check("filesystem::space throws filesystem_error(ENOSYS)", e.code() == std::errc::function_not_supported);
    }
    std::error_code ec;
    auto info = std::filesystem::space("/", ec);
    check("filesystem::space(ec): ENOSYS, capacity unknown (-1)", ec == std::errc::function_not_supported && info.capacity == static_cast<std::uintmax_t>(-1));
    return failures ? 1 : 0;
}
