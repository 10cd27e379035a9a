// cirrus's non-template code, compiled once for every test executable
// (CIRRUS_SEPARATE_COMPILATION; see include/cirrus/src.hpp).
#include <cirrus/src.hpp>
