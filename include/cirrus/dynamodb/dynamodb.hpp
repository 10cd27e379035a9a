#pragma once
// The DynamoDB client, its model, expressions and typed mapping.

#include <cirrus/dynamodb/client.hpp>
#include <cirrus/dynamodb/errors.hpp>
#include <cirrus/dynamodb/expression.hpp>
#include <cirrus/dynamodb/mapping.hpp>
#include <cirrus/dynamodb/model.hpp>
