#pragma once
// The UCI Adult data set of tests/data/adult (the test TU must be given DATA adult) as
// plain CSV, as the PostgreSQL COPY tests load it: both files, no "|1x3 Cross validator"
// line, no space after the commas, the test file's labels without their final period.

#include <cstddef>
#include <fstream>
#include <string>

namespace cirrus::test {

inline std::string adult_csv(std::size_t& records) {
    std::string out;
    records = 0;
    for (const char* name : {"adult.data", "adult.test"}) {
        std::ifstream in(std::string(CIRRUS_TEST_DATA_DIR) + "/adult/" + name);
        std::string line;
        while (std::getline(in, line)) {
            if (!line.empty() && line.back() == '\r') line.pop_back();
            if (line.empty() || line[0] == '|') continue;
            if (line.back() == '.') line.pop_back();
            for (std::size_t i = 0; i < line.size(); ++i) {
                out += line[i];
                if (line[i] == ',' && i + 1 < line.size() && line[i + 1] == ' ') ++i;
            }
            out += '\n';
            ++records;
        }
    }
    return out;
}

// The columns of the Adult data, all text (the data holds stray values such as "A").
inline constexpr const char* adult_columns =
    "(age text, workclass text, fnlwgt text, education text, education_num text, marital_status text, "
    "occupation text, relationship text, race text, sex text, capital_gain text, capital_loss text, "
    "hours_per_week text, native_country text, class text)";

} // namespace cirrus::test
