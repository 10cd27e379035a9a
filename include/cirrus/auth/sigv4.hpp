#pragma once
// AWS Signature Version 4: header signing, presigning, aws-chunked streaming and POST
// policies. See docs/sigv4.md.

#include <cirrus/auth/credentials.hpp>
#include <cirrus/auth/sigv4/chunked.hpp>
#include <cirrus/auth/sigv4/post_policy.hpp>
#include <cirrus/auth/sigv4/signer.hpp>
