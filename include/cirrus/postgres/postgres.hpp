#pragma once
// PostgreSQL client over the v3 wire protocol (no libpq): connection, authentication,
// TLS, simple and extended queries, prepared statements, codecs and typed rows.

#include <cirrus/postgres/bulk.hpp>
#include <cirrus/postgres/codec.hpp>
#include <cirrus/postgres/connect_params.hpp>
#include <cirrus/postgres/connection.hpp>
#include <cirrus/postgres/copy.hpp>
#include <cirrus/postgres/diagnostics.hpp>
#include <cirrus/postgres/error.hpp>
#include <cirrus/postgres/listener.hpp>
#include <cirrus/postgres/notification.hpp>
#include <cirrus/postgres/pool.hpp>
#include <cirrus/postgres/pool_options.hpp>
#include <cirrus/postgres/rds_auth.hpp>
#include <cirrus/postgres/results.hpp>
#include <cirrus/postgres/statement.hpp>
#include <cirrus/postgres/typed_row.hpp>
#include <cirrus/postgres/types.hpp>
