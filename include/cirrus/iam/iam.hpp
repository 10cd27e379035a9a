#pragma once
// The IAM client, its requests, results and errors, and the policy-document builder.

#include <cirrus/iam/client.hpp>
#include <cirrus/iam/errors.hpp>
#include <cirrus/iam/model.hpp>
#include <cirrus/iam/policy.hpp>
#include <cirrus/iam/requests.hpp>
