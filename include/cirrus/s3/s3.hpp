#pragma once
// The S3 client: client.hpp (operations), model.hpp (requests and results), errors.hpp
// (cirrus::s3::errc).

#include <cirrus/s3/client.hpp>
#include <cirrus/s3/errors.hpp>
#include <cirrus/s3/model.hpp>
