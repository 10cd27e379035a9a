#pragma once
// Header-only (the default) or separately compiled.
//
// By default every function is defined in the headers. A program that defines
// CIRRUS_SEPARATE_COMPILATION (for every translation unit, e.g. with -D) gets
// declarations only from the headers, and compiles the non-template definitions once by
// including <cirrus/src.hpp> in exactly one of its own source files:
//
//   // cirrus.cpp
//   #include <cirrus/src.hpp>
//
// That removes most of the optimiser's work from every other translation unit
// (benchmarks/compile_time.sh measures both modes).

#ifdef CIRRUS_SEPARATE_COMPILATION
#define CIRRUS_HEADER_ONLY 0
#define CIRRUS_DECL
#else
#define CIRRUS_HEADER_ONLY 1
#define CIRRUS_DECL inline
#endif
