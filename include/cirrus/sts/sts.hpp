#pragma once
// The STS client and its model.

#include <cirrus/sts/client.hpp>
#include <cirrus/sts/model.hpp>
