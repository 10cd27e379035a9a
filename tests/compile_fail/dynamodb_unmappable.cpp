// Compiled by tests/compile_fail/check.cmake, once per case: mapping a struct to a
// DynamoDB item must stop at compile time, naming dynamodb::mappable, when a field (or an
// element of a field) has a type that has no attribute form. CIRRUS_EXPECT_OK compiles the
// same calls with mappable fields, so the cases fail for the right reason only.

#include <cirrus/dynamodb/mapping.hpp>

#include <boost/describe/class.hpp>

#include <string>
#include <vector>

namespace ddb = cirrus::dynamodb;

struct opaque {}; // not described: no attribute form

#ifdef CIRRUS_EXPECT_OK
using field_type = std::string;
using element_type = int;
#else
using field_type = opaque;
using element_type = opaque*;
#endif

struct with_field {
    int id = 0;
    field_type payload{};
};
BOOST_DESCRIBE_STRUCT(with_field, (), (id, payload))

struct with_element {
    int id = 0;
    std::vector<element_type> list{};
};
BOOST_DESCRIBE_STRUCT(with_element, (), (id, list))

int main() {
#if defined(CIRRUS_EXPECT_OK) || defined(CIRRUS_CASE_field)
    {
        ddb::item i = ddb::to_item(with_field{});
        with_field back;
        (void)ddb::from_item(i, back);
    }
#endif
#if defined(CIRRUS_EXPECT_OK) || defined(CIRRUS_CASE_element)
    {
        ddb::item i = ddb::to_item(with_element{});
        with_element back;
        (void)ddb::from_item(i, back);
    }
#endif
}
