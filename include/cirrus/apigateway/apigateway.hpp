#pragma once
// The API Gateway client and the one-call deploy of a Lambda function (docs/apigateway.md).

#include <cirrus/apigateway/client.hpp>
#include <cirrus/apigateway/deploy.hpp>
