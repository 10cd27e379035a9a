#pragma once
// S3 requests, results and the types they share: one request struct and one result struct
// per operation, with designated-initializer friendly fields (see s3/model/common.hpp for
// what requests are made of).

#include <cirrus/s3/model/buckets.hpp>
#include <cirrus/s3/model/common.hpp>
#include <cirrus/s3/model/listing.hpp>
#include <cirrus/s3/model/multipart.hpp>
#include <cirrus/s3/model/objects.hpp>
#include <cirrus/s3/model/presign.hpp>
