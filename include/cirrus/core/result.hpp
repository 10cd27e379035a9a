#pragma once
// result<T>: a value or an error_code, for synchronous helpers that must not throw.

#include <cirrus/core/error.hpp>

#include <boost/system/result.hpp>

namespace cirrus {

template <class T>
using result = boost::system::result<T, error_code>;

} // namespace cirrus
