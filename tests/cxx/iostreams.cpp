// iostreams: std::cin (numbers, words, lines, end of input), formatting with <iomanip>, string
// streams, locale "C", and std::cout left unflushed at exit (the runtime must flush it).
#include <iomanip>
#include <iostream>
#include <locale>
#include <sstream>
#include <string>
#include <vector>

int main() {
    std::ios::sync_with_stdio(false);
    int n = 0;
    std::cin >> n;
    std::vector<double> xs(n);
    for (auto &x : xs) std::cin >> x;
    std::string word;
    std::cin >> word;
    std::string rest, line;
    std::getline(std::cin, rest);  // the end of the word's line
    std::vector<std::string> lines;
    while (std::getline(std::cin, line)) lines.push_back(line);
    std::cout << "read " << n << " numbers, the word '" << word << "' and " << lines.size() << " lines; eof="
              << std::cin.eof() << "\n";

    double sum = 0;
    for (double x : xs) sum += x;
    std::cout << std::fixed << std::setprecision(3) << "sum " << sum << " mean " << sum / n << "\n";
    std::cout << std::scientific << std::setprecision(4) << "scientific " << sum * 1e10 << "\n";
    std::cout.unsetf(std::ios::floatfield);
    std::cout << std::setprecision(6) << "general " << 1.0 / 3 << " " << 1e-7 << " " << 123456789.0 << "\n";
    std::cout << std::hex << std::showbase << 255 << " " << std::oct << 8 << std::dec << std::noshowbase << " " << 42 << "\n";
    std::cout << std::setw(10) << std::left << "left" << "|" << std::setw(10) << std::right << "right" << "|"
              << std::setfill('*') << std::setw(8) << 7 << std::setfill(' ') << "\n";
    std::cout << std::boolalpha << true << " " << false << std::noboolalpha << " " << true << "\n";
    for (const auto &l : lines) std::cout << "[" << l << "]\n";

    std::istringstream in("10 20 x 30");
    int a = 0, b = 0, c = 0;
    in >> a >> b >> c;
    std::cout << "istringstream: " << a << " " << b << " fail=" << in.fail() << "\n";
    std::ostringstream out;
    out << "pi=" << std::setprecision(10) << 3.14159265358979 << ";";
    std::cout << out.str() << "\n";

    std::locale c_loc("C");
    std::cout.imbue(c_loc);
    std::cout << "locale " << std::locale().name() << " classic " << (c_loc == std::locale::classic()) << " "
              << 1234567 << " " << std::use_facet<std::numpunct<char>>(c_loc).decimal_point() << "\n";
    std::cerr << "to stderr\n";
    std::cout << "the last line, never flushed by the program";  // no newline, no flush
    return 0;
}
