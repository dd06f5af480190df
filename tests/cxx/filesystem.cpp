// <filesystem> over the file system Arca gives the program (here a host directory mounted at /):
// create directories, write and read files, iterate (sorted: the order is unspecified), sizes,
// rename, copy, symbolic links, permissions errors as exceptions and as error codes, remove_all.
#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <string>
#include <system_error>
#include <vector>

namespace fs = std::filesystem;

static std::vector<std::string> listing(const fs::path &p, bool recursive) {
    std::vector<std::string> names;
    if (recursive) {
        for (auto &e : fs::recursive_directory_iterator(p))
            names.push_back(fs::relative(e.path(), p).generic_string() + (e.is_directory() ? "/" : e.is_symlink() ? "@" : ""));
    } else {
        for (auto &e : fs::directory_iterator(p)) names.push_back(e.path().filename().string());
    }
    std::sort(names.begin(), names.end());
    return names;
}

static void show(const char *what, const std::vector<std::string> &v) {
    std::printf("%s:", what);
    for (auto &s : v) std::printf(" %s", s.c_str());
    std::printf("\n");
}

int main() {
    fs::path root = "work";
    std::printf("exists before: %d\n", fs::exists(root));
    std::printf("create_directories: %d\n", fs::create_directories(root / "a" / "b" / "c"));
    std::printf("again: %d\n", fs::create_directories(root / "a" / "b" / "c"));
    fs::create_directory(root / "d");
    for (int i = 0; i < 3; i++) {
        std::ofstream(root / "a" / ("file" + std::to_string(i) + ".txt")) << std::string(100 * (i + 1), 'x');
    }
    std::ofstream(root / "d" / "note") << "hello\n";
    show("work", listing(root, false));
    show("work (recursive)", listing(root, true));
    std::printf("file sizes: %ju %ju\n", (uintmax_t)fs::file_size(root / "a" / "file0.txt"), (uintmax_t)fs::file_size(root / "a" / "file2.txt"));
    std::printf("is_directory a: %d, is_regular_file note: %d\n", fs::is_directory(root / "a"), fs::is_regular_file(root / "d" / "note"));

    fs::rename(root / "d" / "note", root / "d" / "renamed");
    fs::copy_file(root / "d" / "renamed", root / "d" / "copy");
    std::ifstream in(root / "d" / "copy");
    std::string line;
    std::getline(in, line);
    std::printf("copy reads: %s\n", line.c_str());
    fs::create_symlink("renamed", root / "d" / "link");
    std::printf("symlink: %d, target %s, resolves to a file: %d\n", fs::is_symlink(root / "d" / "link"),
                fs::read_symlink(root / "d" / "link").string().c_str(), fs::is_regular_file(root / "d" / "link"));
    fs::copy(root / "a", root / "a2", fs::copy_options::recursive);
    show("a2", listing(root / "a2", true));

    std::printf("current_path is absolute: %d\n", fs::current_path().is_absolute());
    std::printf("canonical work/a/b/../b/c ends with: %s\n", fs::canonical(root / "a" / "b" / ".." / "b" / "c").filename().string().c_str());
    fs::path p = "/x/y/name.tar.gz";
    std::printf("path parts: %s | %s | %s | %s\n", p.parent_path().c_str(), p.filename().c_str(), p.stem().c_str(), p.extension().c_str());
    std::printf("lexically_normal: %s, relative: %s\n", fs::path("a/./b/../c").lexically_normal().c_str(),
                fs::path("/a/b/c").lexically_relative("/a/d").c_str());

    try {
        fs::file_size(root / "missing");
    } catch (const fs::filesystem_error &e) {
        std::printf("file_size of a missing file threw: %s\n", e.code() == std::errc::no_such_file_or_directory ? "ENOENT" : e.what());
    }
    std::error_code ec;
    fs::remove(root / "a", ec);
    std::printf("remove of a non-empty directory fails: %d (%s)\n", (bool)ec, ec == std::errc::directory_not_empty ? "ENOTEMPTY" : ec.message().c_str());
    fs::create_directory(root / "d" / "renamed", ec);
    std::printf("create_directory over a file fails: %d\n", (bool)ec);

    std::printf("remove_all removed %ju entries\n", (uintmax_t)fs::remove_all(root));
    std::printf("exists after: %d\n", fs::exists(root));
    return 0;
}
