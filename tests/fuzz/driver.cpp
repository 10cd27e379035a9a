// Runs a libFuzzer target without libFuzzer, as a regression test: every file of the
// seed corpus, truncations and bit flips of each, and deterministic pseudo-random inputs.
// Usage: <target> <corpus dir>... [--random N]

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <random>
#include <string>
#include <vector>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size);

namespace {
void run(const std::vector<std::uint8_t>& input) {
    // A copy of exactly the input's size, so ASan catches any read past the end.
    auto* copy = static_cast<std::uint8_t*>(std::malloc(input.size() ? input.size() : 1));
    if (!input.empty()) std::copy(input.begin(), input.end(), copy);
    LLVMFuzzerTestOneInput(copy, input.size());
    std::free(copy);
}
} // namespace

int main(int argc, char** argv) {
    std::size_t random_inputs = 2000;
    std::vector<std::vector<std::uint8_t>> seeds;
    for (int i = 1; i < argc; ++i) {
        std::string arg = argv[i];
        if (arg == "--random" && i + 1 < argc) {
            random_inputs = std::strtoull(argv[++i], nullptr, 10);
            continue;
        }
        std::error_code ec;
        for (const auto& entry : std::filesystem::recursive_directory_iterator(arg, ec)) {
            if (!entry.is_regular_file()) continue;
            std::ifstream in(entry.path(), std::ios::binary);
            seeds.emplace_back(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
        }
    }
    std::mt19937_64 rng(20261123);
    std::size_t runs = 0;
    for (const auto& seed : seeds) {
        run(seed);
        for (std::size_t cut = 0; cut < seed.size(); cut += 1 + seed.size() / 16) {
            run(std::vector<std::uint8_t>(seed.begin(), seed.begin() + static_cast<std::ptrdiff_t>(cut)));
            ++runs;
        }
        for (int k = 0; k < 64 && !seed.empty(); ++k) {
            auto mutated = seed;
            for (int flips = 0; flips < 1 + k % 4; ++flips)
                mutated[rng() % mutated.size()] ^= static_cast<std::uint8_t>(1u << (rng() % 8));
            run(mutated);
            ++runs;
        }
        ++runs;
    }
    for (std::size_t i = 0; i < random_inputs; ++i) {
        std::vector<std::uint8_t> input(rng() % 512);
        for (auto& b : input) b = static_cast<std::uint8_t>(rng());
        run(input);
        ++runs;
    }
    std::printf("%zu inputs from %zu seeds ran without a fault\n", runs + 0, seeds.size());
    return 0;
}
