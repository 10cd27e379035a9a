#pragma once
// Requests and results of the DynamoDB client.

#include <cirrus/dynamodb/attribute_value.hpp>
#include <cirrus/dynamodb/expression.hpp>
#include <cirrus/dynamodb/model/batch.hpp>
#include <cirrus/dynamodb/model/items.hpp>
#include <cirrus/dynamodb/model/tables.hpp>
