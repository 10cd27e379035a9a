#pragma once
// The Lambda client (docs/lambda.md).

#include <cirrus/lambda/client.hpp>
