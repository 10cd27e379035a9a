#pragma once
// The IAM client and its model.

#include <cirrus/iam/client.hpp>
#include <cirrus/iam/model.hpp>
